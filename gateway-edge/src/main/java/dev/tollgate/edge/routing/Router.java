package dev.tollgate.edge.routing;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.routing.RoutingStrategies.Candidate;
import dev.tollgate.edge.routing.UsageStore.DeploymentUsage;
import dev.tollgate.edge.wire.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a deployment of a model for one attempt: among those not cooling down and with room under their rpm/tpm this
 * minute, in the order of the model's strategy, the first whose usage store accepts the request (an atomic check and
 * count, so two nodes never both take the last request of a minute). Records the outcome of each attempt.
 */
@Component
public class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /**
     * The longest an upstream's {@code Retry-After} cools a deployment down. An upstream may send any number
     * ({@code 1e20}, a date centuries ahead): unclamped, {@code now} plus it overflows into the past and the 429 would
     * cool nothing down; and a deployment benched for years by one bad header would never be tried again.
     */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    private final UsageStore store;
    private final DeploymentEvents events;

    public Router(UsageStore store) {
        this(store, DeploymentEvents.NONE);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public Router(UsageStore store, DeploymentEvents events) {
        this.store = store;
        this.events = events;
    }

    public UsageStore store() {
        return store;
    }

    /** The outcome of a choice. */
    public sealed interface Selection permits Chosen, Unavailable {
    }

    /** A deployment counted for this attempt; finish it with {@link #finish}. */
    public record Chosen(Lease lease) implements Selection {
    }

    /** No deployment could take the request; one may at {@code availableAtMillis} (0: not known). */
    public record Unavailable(long availableAtMillis) implements Selection {
    }

    /**
     * Chooses a deployment of {@code model} for a request of {@code tokens} (its estimate). Deployments in
     * {@code tried} come after all others, and only when {@code allowTried}.
     */
    public Mono<Selection> choose(CatalogModel model, Set<String> tried, boolean allowTried, long tokens) {
        return Mono.defer(() -> chooseNow(model, tried, allowTried, tokens));
    }

    private Mono<Selection> chooseNow(CatalogModel model, Set<String> tried, boolean allowTried, long tokens) {
        List<CatalogModel> deployments = model.deployments();
        String[] deploymentNames = new String[deployments.size()];
        for (int i = 0; i < deploymentNames.length; i++) {
            deploymentNames[i] = deployments.get(i).deploymentName();
        }
        List<String> names = Arrays.asList(deploymentNames); // read only by the store
        long now = System.currentTimeMillis();
        return Mono.fromCompletionStage(() -> store.usage(names, now)).flatMap(usage -> {
            List<Candidate> fresh = new ArrayList<>();
            List<Candidate> again = new ArrayList<>();
            long availableAt = Long.MAX_VALUE;
            for (int i = 0; i < deployments.size(); i++) {
                CatalogModel deployment = deployments.get(i);
                DeploymentUsage used = usage.get(i);
                events.seen(deployment, used, now);
                if (used.coolingDown(now)) {
                    availableAt = Math.min(availableAt, used.cooldownUntilMillis());
                    continue;
                }
                if (!hasRoom(deployment, used, tokens)) {
                    availableAt = Math.min(availableAt, (UsageStore.minuteOf(now) + 1) * UsageStore.MINUTE_MILLIS);
                    continue;
                }
                if (!tried.contains(deployment.deploymentName())) {
                    fresh.add(new Candidate(deployment, used));
                } else if (allowTried) {
                    again.add(new Candidate(deployment, used));
                }
            }
            List<Candidate> ordered = new ArrayList<>(RoutingStrategies.order(model.routing().strategy(), fresh,
                    ThreadLocalRandom.current()));
            ordered.addAll(RoutingStrategies.order(model.routing().strategy(), again, ThreadLocalRandom.current()));
            long earliest = availableAt == Long.MAX_VALUE ? 0 : availableAt;
            return acquireFirst(ordered, 0, tokens, now, earliest);
        });
    }

    private Mono<Selection> acquireFirst(List<Candidate> ordered, int index, long tokens, long now, long earliest) {
        if (index >= ordered.size()) {
            return Mono.just(new Unavailable(earliest));
        }
        CatalogModel deployment = ordered.get(index).deployment();
        return Mono.fromCompletionStage(() -> store.acquire(deployment.deploymentName(),
                        deployment.deployment().rpm(), deployment.deployment().tpm(), tokens, now))
                .flatMap(counted -> counted ? Mono.just(new Chosen(new Lease(deployment, now, tokens)))
                        : acquireFirst(ordered, index + 1, tokens, now,
                        earliest == 0 ? (UsageStore.minuteOf(now) + 1) * UsageStore.MINUTE_MILLIS : earliest));
    }

    private static boolean hasRoom(CatalogModel deployment, DeploymentUsage used, long tokens) {
        Long rpm = deployment.deployment().rpm();
        Long tpm = deployment.deployment().tpm();
        return (rpm == null || used.requests() + 1 <= rpm) && (tpm == null || used.tokens() + tokens <= tpm);
    }

    /** Ends an attempt: no longer in flight, its tokens corrected, and its latency when it answered. */
    public void finish(Lease lease, long usedTokens) {
        if (!lease.finish()) {
            return;
        }
        long latency = lease.latencyMillis();
        store.finish(lease.deployment().deploymentName(), lease.acquiredAtMillis(), lease.estimatedTokens(),
                usedTokens, latency).whenComplete((done, failure) -> {
            if (failure != null) {
                log.warn("Usage of deployment {} could not be recorded: {}", lease.deployment().deploymentName(),
                        failure.getMessage());
            }
        });
    }

    /**
     * Records a failed attempt: a 429 cools the deployment down until its {@code Retry-After} (or for the model's
     * cooldown), other failures count towards the cooldown. Completes when recorded, so that the next choice sees it.
     */
    public Mono<Void> failed(Lease lease, UpstreamFailure failure) {
        // an attempt the upstream may bill (it timed out or was cut after it was sent) may have used its estimate
        finish(lease, failure.mayBill() ? lease.estimatedTokens() : 0);
        CatalogModel deployment = lease.deployment();
        var routing = deployment.routing();
        long now = System.currentTimeMillis();
        long coolUntil = 0;
        if (failure.kind() == UpstreamFailure.Kind.HTTP_STATUS && failure.status() == 429) {
            Duration retryAfter = retryAfter(failure.retryAfter(), now);
            coolUntil = now + (retryAfter != null ? retryAfter.toMillis() : routing.cooldown().toMillis());
        }
        long until = coolUntil;
        return Mono.fromCompletionStage(() -> store.fail(deployment.deploymentName(), routing.allowedFails(),
                        routing.failWindow().toMillis(), routing.cooldown().toMillis(), until, now))
                .doOnNext(cooling -> {
                    if (cooling > now) {
                        events.coolingDown(deployment.deploymentName(), cooling);
                        log.info("Deployment {} cools down for {} ms after: {}", deployment.deploymentName(),
                                cooling - now, failure.getMessage());
                    }
                })
                .then()
                .onErrorResume(e -> {
                    log.warn("The failure of deployment {} could not be recorded: {}", deployment.deploymentName(),
                            e.getMessage());
                    return Mono.empty();
                });
    }

    /**
     * A {@code Retry-After} in seconds or as an HTTP date, at most {@link #MAX_RETRY_AFTER}; {@code null} when absent
     * or unreadable.
     */
    static Duration retryAfter(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return null;
        }
        long millis;
        try {
            // (a double: "1.5" is read; a NaN is cast to 0, an infinity or a huge number to Long.MAX_VALUE)
            millis = (long) (Double.parseDouble(value.trim()) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                millis = at.toEpochMilli() - nowMillis;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
        return Duration.ofMillis(Math.min(Math.max(0, millis), MAX_RETRY_AFTER.toMillis()));
    }
}
