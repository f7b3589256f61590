package dev.tollgate.edge.database;

import java.time.Duration;

/**
 * The database cannot be reached: the request was not decided and nothing of it was stored. Answered with
 * {@code 503} and {@code Retry-After} in OpenAI's shape (errors/OpenAiErrorHandler).
 */
public final class DatabaseUnavailable extends RuntimeException {

    private final Duration retryAfter;

    public DatabaseUnavailable(Duration retryAfter) {
        this("The ledger's database cannot be reached right now; nothing was charged. Retry shortly.", retryAfter);
    }

    public DatabaseUnavailable(String message, Duration retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
