package dev.tollgate.edge.boost;

import dev.tollgate.api.boost.ExpireBoosts;
import dev.tollgate.edge.config.TollgateProperties;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;

import static dev.tollgate.readmodel.Tables.BOOSTS;

/**
 * Writes the end of boosts into the audit trail. A boost stops counting at its end instant whatever runs (limits
 * are computed from instants, also after a restart); this sweep records the {@code BoostExpired} event soon after,
 * for every team with a boost past its end. Harmless on several nodes: a team records an end once.
 */
@Component
public class BoostExpirySweep {

    private static final Logger log = LoggerFactory.getLogger(BoostExpirySweep.class);

    /** {@code tollgate.boosts.expiry-sweep-interval}, read from the configuration tree. */
    private static final String INTERVAL = "#{@'" + TollgateProperties.BEAN + "'.boosts().expirySweepInterval()}";

    private final DSLContext dsl;
    private final CommandGateway commands;

    public BoostExpirySweep(DSLContext dsl, CommandGateway commands) {
        this.dsl = dsl;
        this.commands = commands;
    }

    @Scheduled(fixedDelayString = INTERVAL, initialDelay = 1000)
    public void sweep() {
        List<String> teams = dsl.selectDistinct(BOOSTS.TEAM_ID).from(BOOSTS)
                .where(BOOSTS.ENDED_AT.isNull()).and(BOOSTS.ENDS_AT.le(Instant.now()))
                .fetch(BOOSTS.TEAM_ID);
        for (String teamId : teams) {
            try {
                int ended = commands.sendAndWait(new ExpireBoosts(teamId));
                if (ended > 0) {
                    log.info("Recorded the end of {} boost(s) of team {}", ended, teamId);
                }
            } catch (RuntimeException e) {
                log.error("Could not record the end of the boosts of team {}", teamId, e);
            }
        }
    }
}
