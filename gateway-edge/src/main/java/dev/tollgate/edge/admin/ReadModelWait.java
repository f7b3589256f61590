package dev.tollgate.edge.admin;

import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.query.support.Blocking;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Read-your-writes for admin routes: after a command, wait (briefly) until the projections show its effect, so that
 * the answer, and the next request with a new key, see it. Projections usually follow within milliseconds.
 */
public final class ReadModelWait {

    private static final Duration POLL = Duration.ofMillis(10);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private ReadModelWait() {
    }

    public static <T> Mono<T> until(Supplier<Optional<T>> read) {
        return Blocking.query(() -> read.get().orElse(null))
                .repeatWhenEmpty(attempts -> attempts.delayElements(POLL))
                .timeout(LIMIT, Mono.error(new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "api_error",
                        "read_model_lagging", null, "The change was recorded, but the read model has not shown it "
                        + "within " + LIMIT.toSeconds() + "s; it will appear shortly.")));
    }
}
