package dev.tollgate.projection.membership;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.team.UserRegistered;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.readmodel.Tables.USER_ID_CLAIMS;

/**
 * A user id names one person in one team (docs/adr/0011): the team that holds each id, decided on the command side.
 * <p>
 * A team knows only its own members, so it cannot refuse an id another team holds; the directory ({@code users}) can
 * lag, so a check against it lets two registrations of one id in two teams both through. This group is a subscribing
 * processor ({@code axon.eventhandling.processors.user-ids.mode: subscribing}, with Axon's
 * {@code PropagatingErrorHandler}): its row is written in the transaction that appends the event, and an id another
 * team holds refuses the command that would record it, whichever node sends it (the primary key decides; a concurrent
 * registration waits for the first one's commit). Never replayed: it decides.
 * <ul>
 *     <li>a registration (an admin's, a roster's, a sign-in's, a team key's user) claims the id for its team, or finds
 *     it claimed by that team already (a removed member re-admitted); any other team's claim refuses it;</li>
 *     <li>a move's admission hands the claim to the team the member joins (while the move closes in the old team,
 *     and after it, the id is the new team's);</li>
 *     <li>a removal or an erasure changes nothing: the id stays its team's, as the directory shows it.</li>
 * </ul>
 */
@Component
@ProcessingGroup(UserIdClaims.PROCESSING_GROUP)
public class UserIdClaims {

    public static final String PROCESSING_GROUP = "user-ids";

    private final DSLContext dsl;

    public UserIdClaims(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    @DisallowReplay
    void on(UserRegistered event) {
        if (!claim(event.userId(), event.teamId())) {
            if (event.autoRegistered()) {
                // a team key's user: the client is not told which team holds the id
                throw CommandRefused.limitReached("permission_denied", "This request cannot be charged: user '"
                        + event.userId() + "' is a member of another team (user ids are unique across teams). "
                        + "Ask the team's administrator.");
            }
            throw CommandRefused.conflict("User '" + event.userId() + "' already exists (team '"
                    + holder(event.userId()) + "'): user ids are unique across teams.");
        }
    }

    /**
     * A move hands the id to the team the member joins, whichever team held it: the old team closes their account
     * (ADR 8), so a move never puts an id in one team more. It is not refused here: the admission is sent by the move
     * process from its event handler, and its event is appended (and this handler run) when that processor's batch
     * commits, where a refusal would stop every move behind it instead of cancelling this one.
     */
    @EventHandler
    @DisallowReplay
    void on(UserMovedIn event) {
        dsl.insertInto(USER_ID_CLAIMS)
                .set(USER_ID_CLAIMS.USER_ID, event.userId())
                .set(USER_ID_CLAIMS.TEAM_ID, event.teamId())
                .onConflict(USER_ID_CLAIMS.USER_ID).doUpdate()
                .set(USER_ID_CLAIMS.TEAM_ID, event.teamId())
                .execute();
    }

    /** Claims {@code userId} for {@code teamId} unless another team holds it; whether it is {@code teamId}'s now. */
    private boolean claim(String userId, String teamId) {
        return dsl.insertInto(USER_ID_CLAIMS)
                .set(USER_ID_CLAIMS.USER_ID, userId)
                .set(USER_ID_CLAIMS.TEAM_ID, teamId)
                .onConflict(USER_ID_CLAIMS.USER_ID).doUpdate()
                .set(USER_ID_CLAIMS.TEAM_ID, teamId)
                .where(USER_ID_CLAIMS.TEAM_ID.eq(teamId))
                .execute() == 1;
    }

    private String holder(String userId) {
        return dsl.select(USER_ID_CLAIMS.TEAM_ID).from(USER_ID_CLAIMS).where(USER_ID_CLAIMS.USER_ID.eq(userId))
                .fetchOne(USER_ID_CLAIMS.TEAM_ID);
    }
}
