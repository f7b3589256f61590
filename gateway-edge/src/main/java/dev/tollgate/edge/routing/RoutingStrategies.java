package dev.tollgate.edge.routing;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties.Strategy;
import dev.tollgate.edge.routing.UsageStore.DeploymentUsage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The order in which a request tries a model's available deployments, by strategy. Every strategy breaks its ties
 * with the weighted shuffle, so that equal deployments share the load in proportion to their weights.
 */
public final class RoutingStrategies {

    private RoutingStrategies() {
    }

    /** A deployment and its usage this minute. */
    public record Candidate(CatalogModel deployment, DeploymentUsage usage) {

        String name() {
            return deployment.deploymentName();
        }

        /**
         * The share of its limits this minute still free: the smaller of the requests' and the tokens' share, 1 when
         * it has no limits.
         */
        public double headroom() {
            double headroom = 1.0;
            Long rpm = deployment.deployment().rpm();
            Long tpm = deployment.deployment().tpm();
            if (rpm != null) {
                headroom = Math.min(headroom, Math.max(0, rpm - usage.requests()) / (double) rpm);
            }
            if (tpm != null) {
                headroom = Math.min(headroom, Math.max(0, tpm - usage.tokens()) / (double) tpm);
            }
            return headroom;
        }
    }

    /** The candidates in the order to try them. */
    public static List<Candidate> order(Strategy strategy, List<Candidate> candidates, RandomGenerator random) {
        List<Candidate> shuffled = weightedShuffle(candidates, random);
        Comparator<Candidate> comparator = switch (strategy) {
            case WEIGHTED_SHUFFLE -> null;
            case LEAST_BUSY -> Comparator.comparingLong(c -> c.usage().inFlight());
            case USAGE_BASED -> Comparator.comparingDouble(Candidate::headroom).reversed();
            // no sample yet counts as fastest: a new or recovered deployment gets tried
            case LOWEST_LATENCY -> Comparator.comparingDouble(c -> c.usage().latencyMillis());
        };
        if (comparator != null) {
            shuffled.sort(comparator); // stable: ties keep the shuffle's order
        }
        return shuffled;
    }

    /**
     * A random order in which each deployment is the more likely to come first the larger its weight (the
     * exponential race: each draws {@code -ln(u) / weight}, the smallest first).
     */
    static List<Candidate> weightedShuffle(List<Candidate> candidates, RandomGenerator random) {
        record Drawn(Candidate candidate, double key) {
        }
        List<Drawn> drawn = new ArrayList<>(candidates.size());
        for (Candidate candidate : candidates) {
            double u = 1.0 - random.nextDouble(); // (0, 1]
            drawn.add(new Drawn(candidate, -Math.log(u) / Math.max(1, candidate.deployment().deployment().weight())));
        }
        drawn.sort(Comparator.comparingDouble(Drawn::key));
        List<Candidate> ordered = new ArrayList<>(drawn.size());
        drawn.forEach(d -> ordered.add(d.candidate()));
        return ordered;
    }
}
