package dev.tollgate.edge.routing;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelRouting;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Config;
import dev.tollgate.edge.wire.UpstreamFailure;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The order of attempts, without HTTP: a model's deployments, retries, waiting for a Retry-After, fallbacks. */
class AttemptsTest {

    final Router router = new Router(new InProcessUsageStore());

    @Test
    void aRateLimitedSingleDeploymentIsTriedAgainWhenItsRetryAfterHasPassed() {
        CatalogModel model = model("patient-unit", 1, List.of("p1"));
        List<Long> calls = new ArrayList<>();
        Attempts attempts = new Attempts(router, List.of(model), m -> 10);
        String answer = attempts.run(target -> {
            calls.add(System.currentTimeMillis());
            return calls.size() == 1 ? Flux.<String>error(new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, 429,
                    null, "1", "limited", null)) : Flux.just("ok");
        }).blockLast(Duration.ofSeconds(10));
        assertThat(answer).isEqualTo("ok");
        assertThat(attempts.count()).isEqualTo(2);
        assertThat(calls.get(1) - calls.get(0)).isGreaterThanOrEqualTo(950);
    }

    @Test
    void eachDeploymentOnceThenTheFallbackThenTheLastFailure() {
        CatalogModel primary = model("primary-unit", null, List.of("u1", "u2"));
        CatalogModel fallback = model("fallback-unit", null, List.of("f1"));
        AtomicInteger calls = new AtomicInteger();
        Attempts attempts = new Attempts(router, List.of(primary, fallback), m -> 10);
        assertThatThrownBy(() -> attempts.run(target -> {
            calls.incrementAndGet();
            return Flux.<String>error(new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, 500, null, null,
                    "broken " + target.deploymentName(), null));
        }).blockLast(Duration.ofSeconds(10))).hasMessage("broken f1");
        assertThat(attempts.trail()).hasSize(3).endsWith("f1");
        assertThat(attempts.trail().subList(0, 2)).containsExactlyInAnyOrder("u1", "u2");
    }

    @Test
    void aClientErrorEndsTheAttempts() {
        CatalogModel model = model("client-unit", 3, List.of("c1", "c2"));
        Attempts attempts = new Attempts(router, List.of(model), m -> 10);
        assertThatThrownBy(() -> attempts.run(target -> Flux.<String>error(new UpstreamFailure(
                UpstreamFailure.Kind.HTTP_STATUS, 400, null, null, "bad", null))).blockLast(Duration.ofSeconds(5)))
                .hasMessage("bad");
        assertThat(attempts.count()).isEqualTo(1);
    }

    static CatalogModel model(String name, Integer numRetries, List<String> deployments) {
        TollgateProperties.RoutingOverrides own = Config.bind(TollgateProperties.RoutingOverrides.class,
                "num-retries", numRetries, "retry-backoff", "10ms");
        ModelRouting routing = ModelRouting.of(own, Config.tollgate().routing());
        List<CatalogModel> targets = new ArrayList<>();
        for (String deployment : deployments) {
            TollgateProperties.Deployment config = Config.bind(TollgateProperties.Deployment.class, "name", deployment);
            targets.add(new CatalogModel(name, 100, null, "openai", deployment, name, config, List.of(), null,
                    routing, 1600, false));
        }
        return new CatalogModel(name, 100, null, "openai", deployments.get(0), name, targets.get(0).deployment(),
                targets, null, routing, 1600, false);
    }
}
