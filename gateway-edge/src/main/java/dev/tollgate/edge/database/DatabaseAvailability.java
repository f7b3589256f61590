package dev.tollgate.edge.database;

import dev.tollgate.edge.config.TollgateProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * Whether PostgreSQL can be reached, as last seen by a background probe ({@code tollgate.database.probe-interval}) or
 * by a request that failed to reach it. Readiness and the edge read this instead of waiting for a dead database
 * themselves: while it is down, requests are answered {@code 503} at once and readiness says DOWN at once. When the
 * probe reaches the database again, everything carries on: Hikari opens new connections, and the event processors
 * waiting to retry are woken ({@link #whenReachableAgain}, {@link ProcessorRetries}) and resume from their tokens.
 */
@Component
public class DatabaseAvailability {

    private static final Logger log = LoggerFactory.getLogger(DatabaseAvailability.class);

    private final DataSource dataSource;
    private final Duration retryAfter;
    private final ScheduledExecutorService probe;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile boolean up = true;
    private volatile Instant since = Instant.now();
    private volatile String lastError;
    private final List<Runnable> reachableAgain = new CopyOnWriteArrayList<>();

    public DatabaseAvailability(DataSource dataSource, TollgateProperties properties, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.retryAfter = properties.database().retryAfter();
        this.probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "database-probe");
            thread.setDaemon(true);
            return thread;
        });
        long interval = Math.max(50, properties.database().probeInterval().toMillis());
        probe.scheduleWithFixedDelay(this::probeNow, interval, interval, TimeUnit.MILLISECONDS);
        Gauge.builder("tollgate.database.up", this, a -> a.up ? 1 : 0)
                .description("1 while PostgreSQL answers the probe, 0 while it cannot be reached").register(meters);
    }

    public boolean isUp() {
        return up;
    }

    public Instant since() {
        return since;
    }

    public String lastError() {
        return lastError;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * Runs {@code listener} (on the probe's thread: it must be quick) each time the database can be reached again
     * after it could not.
     */
    public void whenReachableAgain(Runnable listener) {
        reachableAgain.add(listener);
    }

    /** The answer for a request while the database is down. */
    public DatabaseUnavailable unavailable() {
        return new DatabaseUnavailable(retryAfter);
    }

    /**
     * A caller met {@code failure}. If it means the database is unreachable, the node is marked down at once (the
     * requests behind it fail fast instead of each waiting for a connection) and the probe checks again now.
     *
     * @return whether {@code failure} means the database is unreachable
     */
    public boolean report(Throwable failure) {
        if (failure instanceof DatabaseUnavailable) {
            return true; // answered from this state: nothing new learnt
        }
        if (!DatabaseFailures.isUnavailable(failure)) {
            return false;
        }
        markDown(failure);
        probe.execute(this::probeNow);
        return true;
    }

    /**
     * Checks the database now, on the calling thread (up to Hikari's connection timeout when it is gone), and
     * returns whether it answers. For a caller that met a JDBC failure it cannot classify.
     */
    public boolean checkNow() {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(1)) {
                markUp();
                return true;
            }
            markDown(new IllegalStateException("the connection did not validate"));
        } catch (Exception e) {
            markDown(e);
        }
        return false;
    }

    private void probeNow() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(1)) {
                markUp();
            } else {
                markDown(new IllegalStateException("the connection did not validate"));
            }
        } catch (Exception e) {
            markDown(e);
        } finally {
            probing.set(false);
        }
    }

    private void markUp() {
        boolean back;
        synchronized (this) {
            back = !up;
            if (back) {
                log.warn("PostgreSQL can be reached again after {}; taking requests", Duration.between(since,
                        Instant.now()));
                up = true;
                since = Instant.now();
                lastError = null;
            }
        }
        if (back) {
            for (Runnable listener : reachableAgain) {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    log.warn("A listener for the database's return failed", e);
                }
            }
        }
    }

    private synchronized void markDown(Throwable cause) {
        lastError = String.valueOf(cause.getMessage());
        if (up) {
            log.error("PostgreSQL cannot be reached ({}); answering 503 until it can", lastError);
            up = false;
            since = Instant.now();
        }
    }

    @PreDestroy
    void stop() {
        probe.shutdownNow();
    }
}
