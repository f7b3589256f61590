package dev.tollgate.projection.directory;

import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.privacy.PersonalDataErased;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.UserTagsSet;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;
import dev.tollgate.projection.support.SavepointPerEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.projection.support.Columns.amount;
import static dev.tollgate.readmodel.Tables.API_KEYS;
import static dev.tollgate.readmodel.Tables.TEAMS;
import static dev.tollgate.readmodel.Tables.USERS;

/**
 * Teams and their members as admins see them, and the budgets of keys. Keys and credentials themselves are written
 * by {@link dev.tollgate.projection.access.AccessProjection}, in the transaction that records them.
 */
@Component
@SavepointPerEvent
@ProcessingGroup(DirectoryProjection.PROCESSING_GROUP)
public class DirectoryProjection {

    public static final String PROCESSING_GROUP = "directory";

    private final DSLContext dsl;

    public DirectoryProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(TeamCreated event) {
        dsl.insertInto(TEAMS)
                .set(TEAMS.TEAM_ID, event.teamId())
                .set(TEAMS.NAME, event.name() == null ? event.teamId() : event.name())
                .set(TEAMS.BUDGET_LIMIT, amount(event.budget().limit()))
                .set(TEAMS.BUDGET_PERIOD, event.budget().period().wireName())
                .set(TEAMS.MEMBER_LIMIT, amount(event.memberBudget().limit()))
                .set(TEAMS.MEMBER_PERIOD, event.memberBudget().period().wireName())
                .set(TEAMS.OVER_BUDGET_POLICY, event.policy().wireName())
                .set(TEAMS.CREATED_AT, event.at())
                .set(TEAMS.UPDATED_AT, event.at())
                .onConflictDoNothing()
                .execute();
    }

    @EventHandler
    void on(TeamBudgetSet event) {
        dsl.update(TEAMS)
                .set(TEAMS.BUDGET_LIMIT, amount(event.budget().limit()))
                .set(TEAMS.BUDGET_PERIOD, event.budget().period().wireName())
                .set(TEAMS.MEMBER_LIMIT, amount(event.memberBudget().limit()))
                .set(TEAMS.MEMBER_PERIOD, event.memberBudget().period().wireName())
                .set(TEAMS.OVER_BUDGET_POLICY, event.policy().wireName())
                .set(TEAMS.UPDATED_AT, event.at())
                .where(TEAMS.TEAM_ID.eq(event.teamId()))
                .execute();
    }

    @EventHandler
    void on(UserRegistered event) {
        dsl.insertInto(USERS)
                .set(USERS.USER_ID, event.userId())
                .set(USERS.TEAM_ID, event.teamId())
                .set(USERS.EXTERNAL_ID, event.externalIdOrUserId())
                .set(USERS.NAME, event.name())
                .set(USERS.EMAIL, event.email())
                .set(USERS.BUDGET_LIMIT, event.budget() == null ? null : amount(event.budget().limit()))
                .set(USERS.BUDGET_PERIOD, event.budget() == null ? null : event.budget().period().wireName())
                .set(USERS.OWN_BUDGET, event.budget() != null)
                .set(USERS.AUTO_REGISTERED, event.autoRegistered())
                .set(USERS.TAGS, event.tags().stream().sorted().toArray(String[]::new))
                .set(USERS.CREATED_AT, event.at())
                .set(USERS.UPDATED_AT, event.at())
                // a removed member registered again is re-admitted: same row, no longer removed
                .onConflict(USERS.USER_ID).doUpdate()
                .set(USERS.NAME, event.name())
                .set(USERS.EMAIL, event.email())
                .set(USERS.BUDGET_LIMIT, event.budget() == null ? null : amount(event.budget().limit()))
                .set(USERS.BUDGET_PERIOD, event.budget() == null ? null : event.budget().period().wireName())
                .set(USERS.OWN_BUDGET, event.budget() != null)
                .set(USERS.TAGS, event.tags().stream().sorted().toArray(String[]::new))
                .setNull(USERS.REMOVED_AT)
                .set(USERS.UPDATED_AT, event.at())
                .execute();
    }

    @EventHandler
    void on(UserRemoved event) {
        dsl.update(USERS)
                .set(USERS.REMOVED_AT, event.at())
                .set(USERS.UPDATED_AT, event.at())
                .where(USERS.USER_ID.eq(event.userId()))
                .and(USERS.TEAM_ID.eq(event.teamId())) // a moved member's old team no longer speaks for them
                .execute();
    }

    /** A member moved: same person, same row, a new team (with its member budget) and the tags they took along. */
    @EventHandler
    void on(UserMovedIn event) {
        dsl.update(USERS)
                .set(USERS.TEAM_ID, event.teamId())
                .set(USERS.TAGS, event.tags().stream().sorted().toArray(String[]::new))
                .setNull(USERS.BUDGET_LIMIT)
                .setNull(USERS.BUDGET_PERIOD)
                .set(USERS.OWN_BUDGET, false)
                .setNull(USERS.REMOVED_AT)
                .set(USERS.UPDATED_AT, event.at())
                .where(USERS.USER_ID.eq(event.userId()))
                .execute();
    }

    /** Their name, email and external id go; their row (a pseudonymous id, a team, a budget) stays. */
    @EventHandler
    void on(PersonalDataErased event) {
        dsl.update(USERS)
                .setNull(USERS.NAME)
                .setNull(USERS.EMAIL)
                .set(USERS.EXTERNAL_ID, USERS.USER_ID)
                .set(USERS.ERASED_AT, event.at())
                .set(USERS.UPDATED_AT, event.at())
                .where(USERS.USER_ID.eq(event.userId()))
                .execute();
    }

    @EventHandler
    void on(UserBudgetSet event) {
        dsl.update(USERS)
                .set(USERS.BUDGET_LIMIT, event.budget() == null ? null : amount(event.budget().limit()))
                .set(USERS.BUDGET_PERIOD, event.budget() == null ? null : event.budget().period().wireName())
                .set(USERS.OWN_BUDGET, event.budget() != null)
                .set(USERS.UPDATED_AT, event.at())
                .where(USERS.USER_ID.eq(event.userId()))
                .and(USERS.TEAM_ID.eq(event.teamId())) // a moved member's old team no longer speaks for them
                .execute();
    }

    @EventHandler
    void on(UserTagsSet event) {
        dsl.update(USERS)
                .set(USERS.TAGS, event.tags().stream().sorted().toArray(String[]::new))
                .set(USERS.UPDATED_AT, event.at())
                .where(USERS.USER_ID.eq(event.userId()))
                .and(USERS.TEAM_ID.eq(event.teamId())) // a moved member's old team no longer speaks for them
                .execute();
    }

    @EventHandler
    void on(KeyBudgetSet event) {
        dsl.update(API_KEYS)
                .set(API_KEYS.BUDGET_LIMIT, event.budget() == null ? null : amount(event.budget().limit()))
                .set(API_KEYS.BUDGET_PERIOD, event.budget() == null ? null : event.budget().period().wireName())
                .where(API_KEYS.KEY_ID.eq(event.keyId()))
                .and(API_KEYS.TEAM_ID.eq(event.teamId())) // a moved key's old team no longer speaks for it
                .execute();
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(USERS).execute();
        dsl.deleteFrom(TEAMS).execute();
    }
}
