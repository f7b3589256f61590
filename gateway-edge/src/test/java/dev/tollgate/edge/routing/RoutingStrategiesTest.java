package dev.tollgate.edge.routing;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties.Strategy;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.routing.RoutingStrategies.Candidate;
import dev.tollgate.edge.routing.UsageStore.DeploymentUsage;
import dev.tollgate.edge.support.Config;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RoutingStrategiesTest {

    final Random random = new Random(42);

    @Test
    void weightedShuffleSendsFirstInProportionToTheWeights() {
        List<Candidate> candidates = List.of(candidate("a", 1, null, null, usage("a", 0, 0, 0, 0)),
                candidate("b", 3, null, null, usage("b", 0, 0, 0, 0)));
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            first.merge(firstOf(Strategy.WEIGHTED_SHUFFLE, candidates), 1, Integer::sum);
        }
        assertThat(first.get("b") / 20_000.0).isCloseTo(0.75, within(0.02));
    }

    @Test
    void weightedShuffleOrdersEveryCandidateOnce() {
        List<Candidate> candidates = List.of(candidate("a", 1, null, null, usage("a", 0, 0, 0, 0)),
                candidate("b", 5, null, null, usage("b", 0, 0, 0, 0)),
                candidate("c", 2, null, null, usage("c", 0, 0, 0, 0)));
        assertThat(RoutingStrategies.order(Strategy.WEIGHTED_SHUFFLE, candidates, random))
                .extracting(Candidate::name).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void leastBusyPrefersTheFewestRequestsInFlight() {
        List<Candidate> candidates = List.of(candidate("a", 100, null, null, usage("a", 0, 0, 5, 0)),
                candidate("b", 1, null, null, usage("b", 0, 0, 2, 0)),
                candidate("c", 1, null, null, usage("c", 0, 0, 3, 0)));
        assertThat(RoutingStrategies.order(Strategy.LEAST_BUSY, candidates, random))
                .extracting(Candidate::name).containsExactly("b", "c", "a");
    }

    @Test
    void usageBasedPrefersTheLargestShareOfItsLimitsStillFreeThisMinute() {
        // a: 8 of 10 requests used (20% free); b: 50 of 100 (50%); c: tokens 900 of 1000 (10%) though requests free
        List<Candidate> candidates = List.of(candidate("a", 1, 10L, null, usage("a", 8, 0, 0, 0)),
                candidate("b", 1, 100L, null, usage("b", 50, 0, 0, 0)),
                candidate("c", 1, 100L, 1000L, usage("c", 1, 900, 0, 0)));
        assertThat(RoutingStrategies.order(Strategy.USAGE_BASED, candidates, random))
                .extracting(Candidate::name).containsExactly("b", "a", "c");
    }

    @Test
    void usageBasedCountsADeploymentWithoutLimitsAsWhollyFree() {
        List<Candidate> candidates = List.of(candidate("limited", 1, 10L, null, usage("limited", 1, 0, 0, 0)),
                candidate("unlimited", 1, null, null, usage("unlimited", 500, 0, 0, 0)));
        assertThat(firstOf(Strategy.USAGE_BASED, candidates)).isEqualTo("unlimited");
    }

    @Test
    void lowestLatencyPrefersTheFastestAndTriesAnUnmeasuredDeploymentFirst() {
        List<Candidate> measured = List.of(candidate("slow", 1, null, null, usage("slow", 0, 0, 0, 900)),
                candidate("fast", 1, null, null, usage("fast", 0, 0, 0, 120)),
                candidate("middle", 1, null, null, usage("middle", 0, 0, 0, 300)));
        assertThat(RoutingStrategies.order(Strategy.LOWEST_LATENCY, measured, random))
                .extracting(Candidate::name).containsExactly("fast", "middle", "slow");

        List<Candidate> withNew = List.of(candidate("fast", 1, null, null, usage("fast", 0, 0, 0, 120)),
                candidate("new", 1, null, null, usage("new", 0, 0, 0, 0)));
        assertThat(firstOf(Strategy.LOWEST_LATENCY, withNew)).isEqualTo("new");
    }

    @Test
    void tiesAreBrokenByWeight() {
        List<Candidate> candidates = List.of(candidate("light", 1, null, null, usage("light", 0, 0, 1, 0)),
                candidate("heavy", 9, null, null, usage("heavy", 0, 0, 1, 0)));
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            first.merge(firstOf(Strategy.LEAST_BUSY, candidates), 1, Integer::sum);
        }
        assertThat(first.get("heavy") / 10_000.0).isCloseTo(0.9, within(0.02));
    }

    private String firstOf(Strategy strategy, List<Candidate> candidates) {
        return RoutingStrategies.order(strategy, candidates, random).get(0).name();
    }

    static Candidate candidate(String name, int weight, Long rpm, Long tpm, DeploymentUsage usage) {
        TollgateProperties.Deployment deployment = Config.bind(TollgateProperties.Deployment.class,
                "name", name, "weight", weight, "rpm", rpm, "tpm", tpm);
        CatalogModel model = new CatalogModel("m", 100, null, "openai", name, "m", deployment);
        return new Candidate(model, usage);
    }

    static DeploymentUsage usage(String name, long requests, long tokens, long inFlight, double latency) {
        return new DeploymentUsage(name, requests, tokens, inFlight, latency, 0);
    }
}
