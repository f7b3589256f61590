package dev.tollgate.edge.routing;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where usage is counted: per deployment (requests and tokens of the current minute, requests in flight, a latency
 * average, a cooldown) and per API key (a sliding 60-second window of requests and tokens). In-process for one node
 * ({@link InProcessUsageStore}); in Redis ({@link RedisUsageStore}) so that several nodes share one view and every
 * limit holds exactly across them. Every operation is atomic and none blocks the caller.
 * <p>
 * Time is given by the caller, in epoch milliseconds: the store itself never reads a clock.
 */
public interface UsageStore {

    long MINUTE_MILLIS = 60_000;
    /** The weight of a new latency sample in the moving average. */
    double LATENCY_ALPHA = 0.3;

    /** The deployments' usage of the minute of {@code nowMillis}, in the order asked. */
    CompletionStage<List<DeploymentUsage>> usage(List<String> deployments, long nowMillis);

    /**
     * Counts a request of {@code tokens} (its estimate) on a deployment when the deployment has room for it this
     * minute under its limits ({@code null}: none), and counts it in flight. Answers whether it was counted.
     */
    CompletionStage<Boolean> acquire(String deployment, Long rpm, Long tpm, long tokens, long nowMillis);

    /**
     * A request counted by {@link #acquire} ended: no longer in flight, its estimate replaced by the tokens it used
     * (in the minute it was counted in), and, when {@code latencyMillis >= 0}, one latency sample.
     */
    CompletionStage<Void> finish(String deployment, long acquiredAtMillis, long estimatedTokens, long usedTokens,
                                 long latencyMillis);

    /**
     * A request on the deployment failed. With {@code coolUntilMillis > 0} (the upstream said when to come back) the
     * deployment cools down until then at least; otherwise the failure is counted and the {@code allowedFails}-th
     * within {@code windowMillis} cools it down for {@code cooldownMillis}. Answers the end of its cooldown, 0 if none.
     */
    CompletionStage<Long> fail(String deployment, int allowedFails, long windowMillis, long cooldownMillis,
                               long coolUntilMillis, long nowMillis);

    /**
     * Admits a request of {@code tokens} (its estimate) into a key's sliding window of 60 seconds when the key's
     * limits ({@code null}: none) allow it.
     */
    CompletionStage<KeyWindow> admitKey(String keyId, Long rpm, Long tpm, long tokens, long nowMillis);

    /** Replaces the estimate of an admitted request with the tokens it really used. */
    CompletionStage<Void> settleKey(String keyId, long entryId, long tokens);

    /** One deployment's usage in the current minute. */
    record DeploymentUsage(String deployment, long requests, long tokens, long inFlight, double latencyMillis,
                           long cooldownUntilMillis) {

        public boolean coolingDown(long nowMillis) {
            return cooldownUntilMillis > nowMillis;
        }
    }

    /**
     * A key's window after an admission decision.
     *
     * @param refusal      {@code null} when admitted; else what was reached
     * @param entryId      the admitted request's place in the window (for {@link #settleKey})
     * @param requests     requests in the window (the admitted one included)
     * @param tokens       tokens they hold
     * @param oldestMillis when the oldest request in the window arrived, 0 when it is empty
     * @param retryAtMillis for a refusal, when the request could be admitted
     */
    record KeyWindow(Refusal refusal, long entryId, long requests, long tokens, long oldestMillis, long retryAtMillis) {
        public boolean admitted() {
            return refusal == null;
        }
    }

    enum Refusal {
        /** The requests-per-minute limit. */
        REQUESTS,
        /** The request alone needs more tokens than the tokens-per-minute limit. */
        TOKENS_TOO_MANY,
        /** The tokens-per-minute limit, with the requests already in the window. */
        TOKENS
    }

    static long minuteOf(long millis) {
        return Math.floorDiv(millis, MINUTE_MILLIS);
    }
}
