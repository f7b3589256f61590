package dev.tollgate.api.key;

import dev.tollgate.api.InvalidValue;

/**
 * A key's rate limits, each {@code null} when there is none.
 *
 * @param requestsPerMinute at most this many requests in any 60 seconds
 * @param tokensPerMinute   at most this many tokens (prompt + output) in any 60 seconds
 */
public record KeyLimits(Long requestsPerMinute, Long tokensPerMinute) {

    public static final KeyLimits NONE = new KeyLimits(null, null);

    public KeyLimits {
        if (requestsPerMinute != null && requestsPerMinute < 1 || tokensPerMinute != null && tokensPerMinute < 1) {
            throw new InvalidValue("rate limits must be positive");
        }
    }
}
