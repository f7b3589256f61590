package dev.tollgate.edge.ledger;

import dev.tollgate.api.spend.ExpireReservations;
import dev.tollgate.edge.config.TollgateProperties;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;

/**
 * Teams expire their overdue reservations whenever they decide a batch; this sweep covers teams that went quiet.
 * It finds teams with reservations past their deadline in the read model and asks each to expire them. Running
 * on several nodes at once is harmless: a team expires a reservation once.
 */
@Component
public class ReservationExpirySweep {

    private static final Logger log = LoggerFactory.getLogger(ReservationExpirySweep.class);

    /** {@code tollgate.ledger.expiry-sweep-interval}, read from the configuration tree; also the first delay. */
    private static final String INTERVAL = "#{@'" + TollgateProperties.BEAN + "'.ledger().expirySweepInterval()}";

    private final DSLContext dsl;
    private final CommandGateway commands;

    public ReservationExpirySweep(DSLContext dsl, CommandGateway commands) {
        this.dsl = dsl;
        this.commands = commands;
    }

    @Scheduled(fixedDelayString = INTERVAL, initialDelayString = INTERVAL)
    public void sweep() {
        List<String> teams = dsl.selectDistinct(MESSAGE_COSTS.TEAM_ID)
                .from(MESSAGE_COSTS)
                .where(MESSAGE_COSTS.OUTCOME.eq("reserved"))
                .and(MESSAGE_COSTS.EXPIRES_AT.le(Instant.now()))
                .fetch(MESSAGE_COSTS.TEAM_ID);
        for (String teamId : teams) {
            try {
                int expired = commands.sendAndWait(new ExpireReservations(teamId));
                if (expired > 0) {
                    log.warn("Expired {} reservation(s) of team {}: charged at their estimate, flagged for review",
                            expired, teamId);
                }
            } catch (RuntimeException e) {
                log.error("Could not expire the reservations of team {}", teamId, e);
            }
        }
    }
}
