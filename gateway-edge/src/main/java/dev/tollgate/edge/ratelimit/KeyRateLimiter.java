package dev.tollgate.edge.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.query.directory.KeyRecord;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key's requests-per-minute and tokens-per-minute limits, exactly: a sliding window log of the last 60 seconds
 * (no fixed-window edges that let twice the limit through). A request is admitted with its estimate (prompt and
 * output tokens it may use), which its real usage replaces when it ends.
 * <p>
 * This store serves one node; with several nodes each holds its own window (shared limits in Redis are the
 * routing issue's work).
 */
@Component
public class KeyRateLimiter {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private final Cache<String, Window> windows = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(5))
            .maximumSize(200_000)
            .build();

    /** A request's place in its key's window: its token estimate is corrected with {@link #settle}. */
    public record Admission(String keyId, long id, Map<String, String> headers) {
        static final Admission UNLIMITED = new Admission(null, 0, Map.of());
    }

    /**
     * Admits the request or refuses it with {@code 429 rate_limit_exceeded}, {@code Retry-After} and OpenAI's
     * {@code x-ratelimit-*} headers.
     */
    public Admission admit(KeyRecord key, long estimatedTokens, Instant now) {
        if (key.requestsPerMinute() == null && key.tokensPerMinute() == null) {
            return Admission.UNLIMITED;
        }
        Window window = windows.get(key.keyId(), id -> new Window());
        synchronized (window) {
            window.evict(now);
            Long rpm = key.requestsPerMinute();
            Long tpm = key.tokensPerMinute();
            if (rpm != null && window.requests.size() >= rpm) {
                throw limited(key, window, now, "requests", "This key may make " + rpm + " requests per minute.",
                        window.requests.peekFirst().at().plus(WINDOW));
            }
            if (tpm != null && estimatedTokens > tpm) {
                throw limited(key, window, now, "tokens", "This request may use " + estimatedTokens + " tokens, more "
                        + "than this key's " + tpm + " tokens per minute: lower max_tokens or the prompt.",
                        now.plus(WINDOW));
            }
            if (tpm != null && window.tokens + estimatedTokens > tpm) {
                throw limited(key, window, now, "tokens", "This key may use " + tpm + " tokens per minute; "
                                + (tpm - window.tokens) + " are left and this request may use " + estimatedTokens + ".",
                        window.whenTokensFree(estimatedTokens, tpm, now));
            }
            long id = window.add(now, estimatedTokens);
            return new Admission(key.keyId(), id, headers(key, window, now));
        }
    }

    /** Replaces a request's estimate with the tokens it really used. */
    public void settle(Admission admission, long tokens) {
        if (admission.keyId() == null) {
            return;
        }
        Window window = windows.getIfPresent(admission.keyId());
        if (window != null) {
            synchronized (window) {
                window.correct(admission.id(), tokens);
            }
        }
    }

    /** OpenAI's shape: {@code type} is {@code requests} or {@code tokens}, the limit that was reached. */
    private static ApiError limited(KeyRecord key, Window window, Instant now, String what, String message,
                                    Instant retryAt) {
        long retryAfter = Math.max(1, (long) Math.ceil(Duration.between(now, retryAt).toMillis() / 1000.0));
        ApiError error = new ApiError(HttpStatus.TOO_MANY_REQUESTS, what, "rate_limit_exceeded", null,
                "Rate limit reached for " + what + ". " + message + " Try again in " + retryAfter + "s.")
                .withHeader("Retry-After", Long.toString(retryAfter));
        headers(key, window, now).forEach(error::withHeader);
        return error;
    }

    private static Map<String, String> headers(KeyRecord key, Window window, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (key.requestsPerMinute() != null) {
            headers.put("x-ratelimit-limit-requests", key.requestsPerMinute().toString());
            headers.put("x-ratelimit-remaining-requests",
                    Long.toString(Math.max(0, key.requestsPerMinute() - window.requests.size())));
            headers.put("x-ratelimit-reset-requests", reset(window.requests.isEmpty() ? now
                    : window.requests.peekFirst().at().plus(WINDOW), now));
        }
        if (key.tokensPerMinute() != null) {
            headers.put("x-ratelimit-limit-tokens", key.tokensPerMinute().toString());
            headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, key.tokensPerMinute() - window.tokens)));
            headers.put("x-ratelimit-reset-tokens", reset(window.requests.isEmpty() ? now
                    : window.requests.peekFirst().at().plus(WINDOW), now));
        }
        return headers;
    }

    /** OpenAI's duration format: {@code 1s}, {@code 6m0s}, {@code 250ms}. */
    static String reset(Instant at, Instant now) {
        long millis = Math.max(0, Duration.between(now, at).toMillis());
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = (long) Math.ceil(millis / 1000.0);
        return seconds < 60 ? seconds + "s" : (seconds / 60) + "m" + (seconds % 60) + "s";
    }

    /** One request in the window; its tokens are corrected when it ends. */
    private static final class Entry {
        final long id;
        final Instant at;
        long tokens;

        Entry(long id, Instant at, long tokens) {
            this.id = id;
            this.at = at;
            this.tokens = tokens;
        }

        Instant at() {
            return at;
        }

        long tokens() {
            return tokens;
        }
    }

    /** The last minute of one key: its requests, and the tokens they hold. */
    private static final class Window {
        final Deque<Entry> requests = new ArrayDeque<>();
        long tokens;
        long nextId;

        void evict(Instant now) {
            Instant horizon = now.minus(WINDOW);
            while (!requests.isEmpty() && !requests.peekFirst().at().isAfter(horizon)) {
                tokens -= requests.pollFirst().tokens();
            }
        }

        long add(Instant now, long estimate) {
            long id = ++nextId;
            requests.addLast(new Entry(id, now, estimate));
            tokens += estimate;
            return id;
        }

        void correct(long id, long actual) {
            // Requests end roughly in the order they started: search from the oldest.
            for (Entry entry : requests) {
                if (entry.id == id) {
                    tokens += actual - entry.tokens;
                    entry.tokens = actual;
                    return;
                }
            }
        }

        /** When enough of the window's tokens will have left it for {@code needed} more. */
        Instant whenTokensFree(long needed, long limit, Instant now) {
            long held = tokens;
            for (Entry entry : requests) {
                held -= entry.tokens();
                if (held + needed <= limit) {
                    return entry.at().plus(WINDOW);
                }
            }
            return now.plus(WINDOW);
        }
    }
}
