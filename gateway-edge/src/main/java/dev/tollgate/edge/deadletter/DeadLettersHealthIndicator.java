package dev.tollgate.edge.deadletter;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * {@code deadLetters} in {@code /actuator/health} and the readiness group: DOWN while a projection has events it could
 * not apply. Their read tables miss those events until an admin fixes the cause and retries them
 * ({@code POST /admin/dead-letters/{group}/retry}); a node whose read model is knowingly incomplete says so.
 */
@Component("deadLettersHealthIndicator")
public class DeadLettersHealthIndicator implements HealthIndicator {

    private final DeadLetters deadLetters;

    public DeadLettersHealthIndicator(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public Health health() {
        Map<String, Long> counts = deadLetters.counts();
        return (counts.isEmpty() ? Health.up() : Health.down()).withDetails(Map.copyOf(counts)).build();
    }
}
