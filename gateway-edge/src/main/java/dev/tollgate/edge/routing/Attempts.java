package dev.tollgate.edge.routing;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelRouting;
import dev.tollgate.edge.wire.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The attempts of one request (docs/routing.md): the models that may answer it, in order (the requested model, or
 * its context-window fallbacks, then its fallbacks); on each, up to its attempts on its deployments, chosen by its
 * strategy. A retryable failure (429, 408, 5xx, a connection that could not be made) that arrives before the first
 * byte of the answer is recorded against the deployment (cooldown) and the request goes on after a backoff; any other
 * failure, and any failure after the first byte, ends the request. A timeout or a lost connection after the request
 * was sent is recorded against the deployment too, but ends the request: the upstream may bill it, so it is not sent
 * again ({@link UpstreamFailure#mayBill}). Not thread-safe: one request's attempts run one at a time.
 */
public final class Attempts {

    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    private final Router router;
    private final List<CatalogModel> models;
    private final ToLongFunction<CatalogModel> estimate;
    private int count;
    private Lease current;
    /**
     * Whether an attempt is under way: chosen and sent (or being sent), not failed. False before the first attempt
     * and between attempts, after a failure the upstream bills nothing for. Read from the thread of a client that
     * leaves ({@link #underway()}).
     */
    private volatile boolean underway;
    private final java.util.ArrayList<String> trail = new java.util.ArrayList<>();

    /**
     * @param models   the models that may answer, in order
     * @param estimate the tokens a request on a model may use (prompt and most output), counted on its deployment
     */
    public Attempts(Router router, List<CatalogModel> models, ToLongFunction<CatalogModel> estimate) {
        this.router = router;
        this.models = List.copyOf(models);
        this.estimate = estimate;
    }

    /** No deployment of any of the models could take the request (cooling down or at their limits). */
    public static final class NoDeploymentAvailable extends RuntimeException {
        private final long availableAtMillis;

        NoDeploymentAvailable(long availableAtMillis, String message) {
            super(message, null, false, false);
            this.availableAtMillis = availableAtMillis;
        }

        /** When one may take requests again; 0 when not known. */
        public long availableAtMillis() {
            return availableAtMillis;
        }
    }

    /** How many attempts were made (sent upstream). */
    public int count() {
        return count;
    }

    /** The deployments attempted, in order. */
    public List<String> trail() {
        return List.copyOf(trail);
    }

    /** The model on the deployment of the last attempt (the one that answered, on success); null before any. */
    public CatalogModel answering() {
        return current == null ? null : current.deployment();
    }

    /**
     * Whether an attempt is under way, which its upstream may bill: false before the first attempt is sent and while
     * the request waits for its next one (a backoff, a Retry-After, a fallback being chosen) after failures the
     * upstream bills nothing for (a 429, a 5xx before the answer). A request left by its client then has used
     * nothing.
     */
    public boolean underway() {
        return underway;
    }

    /** Ends the last attempt with the tokens it used (its answer, or what a cut stream delivered). */
    public void finish(long usedTokens) {
        if (current != null) {
            router.finish(current, usedTokens);
        }
    }

    /**
     * Runs {@code call} on deployments until one answers. {@code call} sends the request to the model on one
     * deployment; the answer's elements pass through as they come.
     */
    public <T> Flux<T> run(Function<CatalogModel, Flux<T>> call) {
        return step(new State(0, 0, new HashSet<>(), null, false, 0), call);
    }

    private record State(int model, int inModel, Set<String> tried, UpstreamFailure last, boolean waited,
                         long availableAt) {

        State nextModel(long availableAtMillis) {
            long earliest = availableAt == 0 ? availableAtMillis
                    : availableAtMillis == 0 ? availableAt : Math.min(availableAt, availableAtMillis);
            return new State(model + 1, 0, new HashSet<>(), last, false, earliest);
        }
    }

    private <T> Flux<T> step(State state, Function<CatalogModel, Flux<T>> call) {
        if (state.model() >= models.size()) {
            if (state.last() != null) {
                return Flux.error(state.last());
            }
            return Flux.error(new NoDeploymentAvailable(state.availableAt(), models.size() == 1
                    ? "No deployment of the model '" + models.get(0).name() + "' can take a request now: all are "
                    + "cooling down or at their rate limits."
                    : "No deployment of the models " + models.stream().map(CatalogModel::name).toList()
                    + " can take a request now: all are cooling down or at their rate limits."));
        }
        CatalogModel model = models.get(state.model());
        ModelRouting routing = model.routing();
        if (state.inModel() >= routing.maxAttempts(model.deployments().size())) {
            return step(state.nextModel(0), call);
        }
        return router.choose(model, state.tried(), routing.numRetries() != null, estimate.applyAsLong(model))
                .flatMapMany(selection -> {
                    if (selection instanceof Router.Unavailable unavailable) {
                        long wait = unavailable.availableAtMillis() - System.currentTimeMillis();
                        if (state.inModel() > 0 && !state.waited() && unavailable.availableAtMillis() > 0
                                && wait <= routing.maxRetryWait().toMillis()) {
                            // the deployments that failed said when to come back (Retry-After, cooldown): wait once
                            // (a few milliseconds more: timers and the wall clock do not tick together)
                            return Mono.delay(Duration.ofMillis(Math.max(1, wait) + 10))
                                    .thenMany(Flux.defer(() -> step(
                                    new State(state.model(), state.inModel(), state.tried(), state.last(), true,
                                    state.availableAt()), call)));
                        }
                        return step(state.nextModel(unavailable.availableAtMillis()), call);
                    }
                    Lease lease = ((Router.Chosen) selection).lease();
                    current = lease;
                    underway = true;
                    count++;
                    trail.add(lease.deployment().deploymentName());
                    AtomicBoolean received = new AtomicBoolean();
                    return Flux.defer(() -> call.apply(lease.deployment()))
                            .doOnNext(element -> {
                                if (received.compareAndSet(false, true)) {
                                    lease.answered();
                                }
                            })
                            .onErrorResume(failure -> {
                                if (!received.get() && failure instanceof UpstreamFailure upstream
                                        && upstream.mayBill() && (upstream.kind() == UpstreamFailure.Kind.TIMEOUT
                                        || upstream.kind() == UpstreamFailure.Kind.CONNECTION)) {
                                    // not sent again (the upstream may bill it), but the deployment failed all the
                                    // same (a timeout, a lost connection): it counts towards its cooldown
                                    return router.failed(lease, upstream).thenMany(Flux.<T>error(failure));
                                }
                                if (received.get() || !retryable(failure)) {
                                    return Flux.error(failure);
                                }
                                UpstreamFailure upstream = (UpstreamFailure) failure;
                                underway = false; // failed before its answer, billed nothing: the next one waits
                                log.info("Attempt {} on deployment {} failed: {}", count,
                                        lease.deployment().deploymentName(), upstream.getMessage());
                                Set<String> tried = new HashSet<>(state.tried());
                                tried.add(lease.deployment().deploymentName());
                                State next = new State(state.model(), state.inModel() + 1, tried, upstream, false,
                                        state.availableAt());
                                boolean sameModel = next.inModel() < routing.maxAttempts(model.deployments().size());
                                Duration backoff = sameModel ? routing.backoff(next.inModel()) : Duration.ZERO;
                                return router.failed(lease, upstream)
                                        .then(backoff.isZero() ? Mono.empty() : Mono.delay(backoff).then())
                                        .thenMany(Flux.defer(() -> step(next, call)));
                            });
                });
    }

    /**
     * 429, 408, 5xx, timeouts and broken connections are worth another attempt; a client's error is not, nor a
     * request the upstream may bill for ({@link UpstreamFailure#mayBill}): sent again, it would be generated and billed
     * twice and charged once.
     */
    static boolean retryable(Throwable failure) {
        if (!(failure instanceof UpstreamFailure upstream) || upstream.mayBill()) {
            return false;
        }
        return switch (upstream.kind()) {
            case TIMEOUT, CONNECTION -> true;
            case HTTP_STATUS -> upstream.status() == 429 || upstream.status() == 408 || upstream.status() >= 500;
            case TOO_LARGE -> false;
        };
    }
}
