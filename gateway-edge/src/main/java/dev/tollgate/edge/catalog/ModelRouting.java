package dev.tollgate.edge.catalog;

import dev.tollgate.edge.config.TollgateProperties.Strategy;
import dev.tollgate.edge.config.TollgateProperties;

import java.time.Duration;
import java.util.List;

/**
 * A model's routing settings in effect: its own, or else {@code tollgate.routing}'s (docs/routing.md).
 *
 * @param numRetries attempts after the first on the model's deployments; {@code null}: each deployment once
 */
public record ModelRouting(Strategy strategy, Integer numRetries, Duration retryBackoff, Duration maxRetryBackoff,
                           Duration maxRetryWait, int allowedFails, Duration failWindow, Duration cooldown,
                           List<String> fallbacks, List<String> contextWindowFallbacks) {

    /** A model that sets no routing of its own, under the built-in {@code tollgate.routing} defaults. */
    public static final ModelRouting DEFAULT = of(
            TollgateProperties.defaults(TollgateProperties.RoutingOverrides.class),
            TollgateProperties.defaults(TollgateProperties.Routing.class));

    public ModelRouting {
        fallbacks = List.copyOf(fallbacks);
        contextWindowFallbacks = List.copyOf(contextWindowFallbacks);
    }

    /** The model's own settings over the defaults. */
    public static ModelRouting of(TollgateProperties.RoutingOverrides own, TollgateProperties.Routing defaults) {
        return new ModelRouting(
                or(own.strategy(), defaults.strategy()),
                own.numRetries() != null ? own.numRetries() : defaults.numRetries(),
                or(own.retryBackoff(), defaults.retryBackoff()),
                or(own.maxRetryBackoff(), defaults.maxRetryBackoff()),
                or(own.maxRetryWait(), defaults.maxRetryWait()),
                or(own.cooldown().allowedFails(), defaults.cooldown().allowedFails()),
                or(own.cooldown().window(), defaults.cooldown().window()),
                or(own.cooldown().duration(), defaults.cooldown().duration()),
                or(own.fallbacks(), defaults.fallbacks()),
                or(own.contextWindowFallbacks(), defaults.contextWindowFallbacks()));
    }

    /** How many attempts this model's deployments get for one request. */
    public int maxAttempts(int deployments) {
        return numRetries == null ? deployments : 1 + numRetries;
    }

    /** The wait before the {@code retry}-th retry (1-based). */
    public Duration backoff(int retry) {
        long millis = retryBackoff.toMillis() << Math.min(20, Math.max(0, retry - 1));
        return Duration.ofMillis(Math.min(millis, maxRetryBackoff.toMillis()));
    }

    private static <T> T or(T own, T fallback) {
        return own != null ? own : fallback;
    }
}
