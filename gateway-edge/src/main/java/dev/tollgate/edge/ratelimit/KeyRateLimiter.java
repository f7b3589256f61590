package dev.tollgate.edge.ratelimit;

import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.routing.UsageStore;
import dev.tollgate.edge.routing.UsageStore.KeyWindow;
import dev.tollgate.query.directory.KeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A key's requests-per-minute and tokens-per-minute limits, exactly: a sliding window log of the last 60 seconds
 * (no fixed-window edges that let twice the limit through). A request is admitted with its estimate (prompt and
 * output tokens it may use), which its real usage replaces when it ends.
 * <p>
 * The windows live in the {@link UsageStore}: in this node's memory, or in Redis, where one atomic script decides
 * each admission, so that several nodes share each key's limits exactly.
 */
@Component
public class KeyRateLimiter {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(KeyRateLimiter.class);

    private final UsageStore store;

    public KeyRateLimiter(UsageStore store) {
        this.store = store;
    }

    /** A request's place in its key's window: its token estimate is corrected with {@link #settle}. */
    public record Admission(String keyId, long id, Map<String, String> headers) {
        static final Admission UNLIMITED = new Admission(null, 0, Map.of());
    }

    /**
     * Admits the request, or fails with {@code 429 rate_limit_exceeded}, {@code Retry-After} and OpenAI's
     * {@code x-ratelimit-*} headers.
     */
    public CompletionStage<Admission> admit(KeyRecord key, long estimatedTokens, Instant now) {
        if (key.requestsPerMinute() == null && key.tokensPerMinute() == null) {
            return CompletableFuture.completedFuture(Admission.UNLIMITED);
        }
        long nowMillis = now.toEpochMilli();
        return store.admitKey(key.keyId(), key.requestsPerMinute(), key.tokensPerMinute(), estimatedTokens, nowMillis)
                .thenApply(window -> {
                    if (window.admitted()) {
                        return new Admission(key.keyId(), window.entryId(), headers(key, window, nowMillis));
                    }
                    Long rpm = key.requestsPerMinute();
                    Long tpm = key.tokensPerMinute();
                    throw switch (window.refusal()) {
                        case REQUESTS -> limited(key, window, nowMillis, "requests",
                                "This key may make " + rpm + " requests per minute.");
                        case TOKENS_TOO_MANY -> limited(key, window, nowMillis, "tokens", "This request may use "
                                + estimatedTokens + " tokens, more than this key's " + tpm + " tokens per minute: "
                                + "lower max_tokens or the prompt.");
                        case TOKENS -> limited(key, window, nowMillis, "tokens", "This key may use " + tpm
                                + " tokens per minute; " + (tpm - window.tokens()) + " are left and this request "
                                + "may use " + estimatedTokens + ".");
                    };
                });
    }

    /** Replaces a request's estimate with the tokens it really used. */
    public void settle(Admission admission, long tokens) {
        if (admission == null || admission.keyId() == null) {
            return;
        }
        store.settleKey(admission.keyId(), admission.id(), tokens).whenComplete((done, failure) -> {
            if (failure != null) {
                log.warn("The token count of a request of key {} could not be corrected: {}", admission.keyId(),
                        failure.getMessage());
            }
        });
    }

    /** OpenAI's shape: {@code type} is {@code requests} or {@code tokens}, the limit that was reached. */
    private static ApiError limited(KeyRecord key, KeyWindow window, long nowMillis, String what, String message) {
        long retryAfter = Math.max(1, (long) Math.ceil((window.retryAtMillis() - nowMillis) / 1000.0));
        ApiError error = new ApiError(HttpStatus.TOO_MANY_REQUESTS, what, "rate_limit_exceeded", null,
                "Rate limit reached for " + what + ". " + message + " Try again in " + retryAfter + "s.")
                .withHeader("Retry-After", Long.toString(retryAfter));
        headers(key, window, nowMillis).forEach(error::withHeader);
        return error;
    }

    private static Map<String, String> headers(KeyRecord key, KeyWindow window, long nowMillis) {
        Map<String, String> headers = new LinkedHashMap<>();
        long resetAt = window.requests() == 0 ? nowMillis : window.oldestMillis() + WINDOW.toMillis();
        if (key.requestsPerMinute() != null) {
            headers.put("x-ratelimit-limit-requests", key.requestsPerMinute().toString());
            headers.put("x-ratelimit-remaining-requests",
                    Long.toString(Math.max(0, key.requestsPerMinute() - window.requests())));
            headers.put("x-ratelimit-reset-requests", reset(resetAt, nowMillis));
        }
        if (key.tokensPerMinute() != null) {
            headers.put("x-ratelimit-limit-tokens", key.tokensPerMinute().toString());
            headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, key.tokensPerMinute() - window.tokens())));
            headers.put("x-ratelimit-reset-tokens", reset(resetAt, nowMillis));
        }
        return headers;
    }

    /** OpenAI's duration format: {@code 1s}, {@code 6m0s}, {@code 250ms}. */
    static String reset(long atMillis, long nowMillis) {
        long millis = Math.max(0, atMillis - nowMillis);
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = (long) Math.ceil(millis / 1000.0);
        return seconds < 60 ? seconds + "s" : (seconds / 60) + "m" + (seconds % 60) + "s";
    }
}
