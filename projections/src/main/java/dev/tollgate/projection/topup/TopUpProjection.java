package dev.tollgate.projection.topup;

import dev.tollgate.api.topup.BudgetToppedUp;
import dev.tollgate.projection.directory.DirectoryProjection;
import dev.tollgate.projection.support.SavepointPerEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.projection.support.Columns.amount;
import static dev.tollgate.readmodel.Tables.TOP_UPS;
import static dev.tollgate.readmodel.Tables.TEAMS;
import static dev.tollgate.readmodel.Tables.USERS;

/**
 * Top-ups of lifetime allowances: one row each (the statements' lines), and the allowance's new limit in the
 * directory. Part of the directory processing group, so a team's or user's row and its top-ups move together.
 */
@Component
@SavepointPerEvent
@ProcessingGroup(DirectoryProjection.PROCESSING_GROUP)
public class TopUpProjection {

    private final DSLContext dsl;

    public TopUpProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(BudgetToppedUp event) {
        dsl.insertInto(TOP_UPS)
                .set(TOP_UPS.TOPUP_ID, event.topUpId())
                .set(TOP_UPS.TEAM_ID, event.teamId())
                .set(TOP_UPS.USER_ID, event.userId() == null ? "" : event.userId())
                .set(TOP_UPS.AMOUNT, amount(event.amount()))
                .set(TOP_UPS.LIMIT_AFTER, amount(event.budget().limit()))
                .set(TOP_UPS.ACTOR, event.actor())
                .set(TOP_UPS.REASON, event.reason())
                .set(TOP_UPS.AT, event.at())
                .onConflictDoNothing()
                .execute();
        if (event.userId() == null) {
            dsl.update(TEAMS)
                    .set(TEAMS.BUDGET_LIMIT, amount(event.budget().limit()))
                    .set(TEAMS.UPDATED_AT, event.at())
                    .where(TEAMS.TEAM_ID.eq(event.teamId()))
                    .execute();
        } else {
            dsl.update(USERS)
                    .set(USERS.BUDGET_LIMIT, amount(event.budget().limit()))
                    .set(USERS.UPDATED_AT, event.at())
                    .where(USERS.USER_ID.eq(event.userId()))
                    .execute();
        }
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(TOP_UPS).execute();
    }
}
