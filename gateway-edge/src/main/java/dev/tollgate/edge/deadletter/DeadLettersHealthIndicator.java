package dev.tollgate.edge.deadletter;

import dev.tollgate.edge.database.DatabaseAvailability;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * {@code deadLetters} in {@code /actuator/health}: DOWN while a projection has events it could not apply, the cohort
 * boost distributor a cohort boost it could not distribute, or the move process a move it could not carry on. Their
 * read tables miss those events (the members of a parked cohort boost miss their shares, a parked move stays under
 * way) until an admin fixes the cause and retries them
 * ({@code POST /admin/dead-letters/{group}/retry}) or discards them; a node whose read model is knowingly incomplete
 * says so. Not in readiness: every node shares the queue, so one event no node can store would take them all out of
 * traffic, though requests are decided on the command side and stay right.
 */
@Component("deadLettersHealthIndicator")
public class DeadLettersHealthIndicator implements HealthIndicator {

    private final DeadLetters deadLetters;
    private final DatabaseAvailability database;

    public DeadLettersHealthIndicator(DeadLetters deadLetters, DatabaseAvailability database) {
        this.deadLetters = deadLetters;
        this.database = database;
    }

    @Override
    public Health health() {
        if (!database.isUp()) {
            // counted in the database: unknown while it cannot be reached (`db` is DOWN and says why)
            return Health.unknown().build();
        }
        Map<String, Long> counts = deadLetters.counts();
        return (counts.isEmpty() ? Health.up() : Health.down()).withDetails(Map.copyOf(counts)).build();
    }
}
