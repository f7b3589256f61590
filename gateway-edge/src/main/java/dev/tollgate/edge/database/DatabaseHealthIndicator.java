package dev.tollgate.edge.database;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code db} in {@code /actuator/health} and the readiness group, in place of Spring Boot's (which waits for a
 * connection, up to Hikari's connection timeout, at every call): the background probe's last answer, at once.
 */
@Component("dbHealthIndicator")
public class DatabaseHealthIndicator implements HealthIndicator {

    private final DatabaseAvailability database;

    public DatabaseHealthIndicator(DatabaseAvailability database) {
        this.database = database;
    }

    @Override
    public Health health() {
        Health.Builder health = database.isUp() ? Health.up() : Health.down();
        health.withDetail("database", "PostgreSQL").withDetail("since", database.since().toString());
        if (!database.isUp() && database.lastError() != null) {
            health.withDetail("error", database.lastError());
        }
        return health.build();
    }
}
