package dev.tollgate.edge.catalog;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.config.TollgateProperties.Strategy;

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

    public static final ModelRouting DEFAULT = of(new TollgateProperties.Routing(), defaults());

    private static TollgateProperties.Routing defaults() {
        return new TollgateProperties().getRouting();
    }

    public ModelRouting {
        fallbacks = List.copyOf(fallbacks);
        contextWindowFallbacks = List.copyOf(contextWindowFallbacks);
    }

    /** The model's own settings over the defaults. */
    public static ModelRouting of(TollgateProperties.Routing own, TollgateProperties.Routing defaults) {
        return new ModelRouting(
                or(own.getStrategy(), defaults.getStrategy()),
                own.getNumRetries() != null ? own.getNumRetries() : defaults.getNumRetries(),
                or(own.getRetryBackoff(), defaults.getRetryBackoff()),
                or(own.getMaxRetryBackoff(), defaults.getMaxRetryBackoff()),
                or(own.getMaxRetryWait(), defaults.getMaxRetryWait()),
                or(own.getCooldown().getAllowedFails(), defaults.getCooldown().getAllowedFails()),
                or(own.getCooldown().getWindow(), defaults.getCooldown().getWindow()),
                or(own.getCooldown().getDuration(), defaults.getCooldown().getDuration()),
                or(own.getFallbacks(), defaults.getFallbacks()),
                or(own.getContextWindowFallbacks(), defaults.getContextWindowFallbacks()));
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
