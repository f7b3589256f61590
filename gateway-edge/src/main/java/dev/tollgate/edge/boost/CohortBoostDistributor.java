package dev.tollgate.edge.boost;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.boost.CohortBoostGrantRepeated;
import dev.tollgate.api.boost.CohortBoostGranted;
import dev.tollgate.api.boost.CohortBoostRevoked;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.ConfirmCohortBoostDistribution;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.RecordCohortBoostDistribution;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.boost.SkippedMember;
import dev.tollgate.edge.input.InputText;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Records a cohort boost on each member's team: one decision (the cohort boost), one boost per member, all with the
 * same id, each under the budget cap of the actor who decided it (the member's team refuses a share that would
 * take the member past it: that member is skipped and logged, the others are boosted), and then the distribution
 * itself, with the members skipped and why ({@link RecordCohortBoostDistribution}), which the grant's answer waits for.
 * A tracking processor, so a distribution interrupted by a restart resumes. A failure other than a team's refusal is
 * handled by its dead-letter queue ({@code dlq.enabled} in application.yaml) and {@code deadletter.DeadLetterPolicy}:
 * a transient one (the database unreachable for a moment, a concurrent append to a team or to the cohort boost) is
 * tried again until it passes; any other (a bug, a command that always fails) parks the event, with the later events
 * of its cohort boost, while every other cohort boost is distributed; an admin retries it once the cause is fixed
 * ({@code POST /admin/dead-letters/boost-distribution/retry}). Trying again never grants twice: the teams ignore a
 * member's boost they already have, and the cohort boost records its distribution once. Never replayed: it sends
 * commands.
 * <p>
 * Its events are kept in order per cohort boost: they are all the {@code CohortBoost} aggregate's, whose identifier is
 * the boost id, and Axon's default sequencing policy (per aggregate) makes that the dead-letter sequence, so a boost's
 * revocation or repeated grant never overtakes its parked grant; cohort boosts never depended on each other's order.
 * <p>
 * Before 2026-12-07 it recorded no distribution, and it never goes back over a grant it has handled: a cohort boost
 * granted then would keep a retry of its grant waiting for a record that never comes. A retry before the distribution
 * is recorded is therefore recorded itself ({@link CohortBoostGrantRepeated}), and handled here after the grant (the
 * same cohort boost, in order): whatever this processor was going to do for the grant is done by then, so it confirms
 * it ({@link ConfirmCohortBoostDistribution}), and a cohort boost still without a distribution records that it was
 * distributed without one. It offers no share again: a member skipped then stays skipped.
 */
@Component
@ProcessingGroup(CohortBoostDistributor.PROCESSING_GROUP)
public class CohortBoostDistributor {

    public static final String PROCESSING_GROUP = "boost-distribution";
    private static final Logger log = LoggerFactory.getLogger(CohortBoostDistributor.class);

    private final CommandGateway commands;

    public CohortBoostDistributor(CommandGateway commands) {
        this.commands = commands;
    }

    @EventHandler
    @DisallowReplay
    void on(CohortBoostGranted event) {
        List<SkippedMember> skipped = new ArrayList<>();
        for (CohortMember member : event.members()) {
            try {
                commands.sendAndWait(new GrantBoost(member.teamId(), event.boostId(), member.userId(),
                        event.amount(), event.startsAt(), event.endsAt(), event.reason(), event.boostId(),
                        event.actor(), event.limitCap()));
            } catch (CommandRefused refused) {
                // One member's refusal (removed since, at the most boosts an account holds, or boosted past the
                // actor's budget cap by this share) must not keep the others from theirs.
                log.warn("Cohort boost {}: user {} of team {} not boosted: {}", event.boostId(), member.userId(),
                        member.teamId(), refused.getMessage());
                skipped.add(new SkippedMember(member.userId(), member.teamId(), reason(refused)));
            }
        }
        // the grant's answer waits for this, not for a share per member: a skipped member's never comes
        commands.sendAndWait(new RecordCohortBoostDistribution(event.boostId(), skipped));
    }

    /** The team's refusal as recorded: one line, bounded. */
    private static String reason(CommandRefused refused) {
        return InputText.oneLine(refused.getMessage() == null ? refused.code() : refused.getMessage(), Limits.TEXT);
    }

    /** After the grant (its cohort boost's events in order): its distribution was recorded by now, or never will be. */
    @EventHandler
    @DisallowReplay
    void on(CohortBoostGrantRepeated event) {
        commands.sendAndWait(new ConfirmCohortBoostDistribution(event.boostId()));
    }

    @EventHandler
    @DisallowReplay
    void on(CohortBoostRevoked event) {
        for (String teamId : event.teams()) {
            commands.sendAndWait(new RevokeBoost(teamId, event.boostId(), event.actor(), event.reason()));
        }
    }
}
