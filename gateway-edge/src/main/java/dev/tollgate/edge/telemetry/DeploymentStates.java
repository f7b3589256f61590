package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.routing.DeploymentEvents;
import dev.tollgate.edge.routing.UsageStore.DeploymentUsage;
import dev.tollgate.edge.routing.UsageStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The state of each deployment as the gauge {@code tollgate.deployment.state{deployment,model,provider,state}}: 1 for
 * the deployment's current state, 0 for the others. Deployments are configured, so the labels are bounded.
 *
 * <p>The state comes from the usage store, where routing keeps each deployment's cooldown and its requests and
 * tokens of the minute (in Redis: shared by every node). Each deployment keeps the end of its cooldown and the minute
 * it is full, so a cooldown ends on the gauge exactly when it ends for routing. They are updated by routing's own
 * reads and failures on this node ({@link DeploymentEvents}) and, for what other nodes did, by reading the store
 * when the gauge is scraped, at most once a {@link #REFRESH_MILLIS}: asynchronously, so an answer from Redis shows at
 * the next scrape. Nothing here blocks.
 */
@Component
public class DeploymentStates implements DeploymentEvents {

    private static final Logger log = LoggerFactory.getLogger(DeploymentStates.class);
    static final long REFRESH_MILLIS = 1000;

    public enum State {
        /** Taking requests. */
        UP,
        /** At its rpm or tpm for the current minute. */
        RATE_LIMITED,
        /** Cooling down after failures or a 429: routing skips it until the cooldown ends. */
        COOLDOWN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One deployment: its limits, the end of its cooldown, the minute it is full in. */
    private static final class Entry {
        final Long rpm;
        final Long tpm;
        volatile long cooldownUntilMillis;
        volatile long fullMinute = -1;

        Entry(Long rpm, Long tpm) {
            this.rpm = rpm;
            this.tpm = tpm;
        }

        State state(long nowMillis) {
            if (cooldownUntilMillis > nowMillis) {
                return State.COOLDOWN;
            }
            return fullMinute == UsageStore.minuteOf(nowMillis) ? State.RATE_LIMITED : State.UP;
        }
    }

    private final MeterRegistry meters;
    private final UsageStore store;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile long refreshedAtMillis;

    public DeploymentStates(ModelCatalog catalog, MeterRegistry meters, UsageStore store) {
        this.meters = meters;
        this.store = store;
        for (CatalogModel model : catalog.all()) {
            for (CatalogModel deployment : model.deployments()) {
                register(deployment, model.name());
            }
        }
    }

    private void register(CatalogModel deployment, String model) {
        entries.computeIfAbsent(deployment.deploymentName(), name -> {
            var config = deployment.deployment();
            Entry entry = new Entry(config == null ? null : config.rpm(), config == null ? null : config.tpm());
            for (State each : State.values()) {
                Gauge.builder("tollgate.deployment.state", entry, e -> read(e) == each ? 1 : 0)
                        .description("1 for the deployment's current state (up, rate_limited, cooldown), 0 for the "
                                + "others")
                        .tag("deployment", name).tag("model", model)
                        .tag("provider", deployment.provider() == null ? "" : deployment.provider())
                        .tag("state", each.label())
                        .register(meters);
            }
            return entry;
        });
    }

    @Override
    public void seen(CatalogModel deployment, DeploymentUsage usage, long nowMillis) {
        Entry entry = entries.get(deployment.deploymentName());
        if (entry != null) {
            update(entry, usage, nowMillis);
        }
    }

    @Override
    public void coolingDown(String deployment, long untilMillis) {
        Entry entry = entries.get(deployment);
        if (entry != null && untilMillis > entry.cooldownUntilMillis) {
            entry.cooldownUntilMillis = untilMillis;
        }
    }

    /** The deployment's state now, as the gauge shows it; {@code null} for an unknown deployment. */
    public State state(String deployment) {
        Entry entry = entries.get(deployment);
        return entry == null ? null : entry.state(System.currentTimeMillis());
    }

    private static void update(Entry entry, DeploymentUsage usage, long nowMillis) {
        // cooldowns only ever end at their time (a failure may lengthen one, nothing shortens it): keep the latest
        if (usage.cooldownUntilMillis() > entry.cooldownUntilMillis) {
            entry.cooldownUntilMillis = usage.cooldownUntilMillis();
        }
        boolean full = (entry.rpm != null && usage.requests() >= entry.rpm)
                || (entry.tpm != null && usage.tokens() >= entry.tpm);
        long minute = UsageStore.minuteOf(nowMillis);
        if (full) {
            entry.fullMinute = minute;
        } else if (entry.fullMinute == minute) {
            entry.fullMinute = -1; // its tokens were corrected down, or this was read before the last request
        }
    }

    private State read(Entry entry) {
        long now = System.currentTimeMillis();
        refreshIfStale(now);
        return entry.state(now);
    }

    /** Reads every deployment's usage from the store (what other nodes did), at most once a second. */
    private void refreshIfStale(long now) {
        if (now - refreshedAtMillis < REFRESH_MILLIS || !refreshing.compareAndSet(false, true)) {
            return;
        }
        refreshedAtMillis = now;
        List<String> names = new ArrayList<>(entries.keySet());
        try {
            store.usage(names, now).whenComplete((usage, failure) -> {
                refreshing.set(false);
                if (failure != null) {
                    log.debug("Deployment usage could not be read for the state gauge: {}", failure.getMessage());
                    return;
                }
                for (int i = 0; i < usage.size(); i++) {
                    Entry entry = entries.get(names.get(i));
                    if (entry != null) {
                        update(entry, usage.get(i), now);
                    }
                }
            });
        } catch (RuntimeException e) {
            refreshing.set(false);
            log.debug("Deployment usage could not be read for the state gauge: {}", e.getMessage());
        }
    }
}
