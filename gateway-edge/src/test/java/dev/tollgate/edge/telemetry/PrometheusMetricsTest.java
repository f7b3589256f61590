package dev.tollgate.edge.telemetry;

import ch.qos.logback.classic.LoggerContext;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** {@code /actuator/prometheus}: admin-only, and the gateway's meters carry the right values after requests. */
public class PrometheusMetricsTest extends GatewayTestSupport {

    @Autowired
    DeploymentStates deployments;

    private String scrape() {
        Http.Response response = http().get("/actuator/prometheus", MASTER_KEY);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** The sample of {@code name} whose labels include {@code labels}; 0 when there is none yet. */
    public static double sample(String text, String name, Map<String, String> labels) {
        return samples(text, name, labels).findFirst().orElse(0.0);
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels}. */
    private static double totalOf(String text, String name, Map<String, String> labels) {
        return samples(text, name, labels).mapToDouble(Double::doubleValue).sum();
    }

    private static Stream<Double> samples(String text, String name, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        return line.matcher(text).results()
                .filter(found -> labels.entrySet().stream().allMatch(l -> found.group(1).contains(l.getKey()
                        + "=\"" + l.getValue() + "\"")))
                .map(found -> Double.parseDouble(found.group(2)));
    }

    @Test
    void thePrometheusEndpointIsForAdminsOnly() {
        assertThat(http().get("/actuator/prometheus", null).status()).isEqualTo(401);
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        assertThat(http().get("/actuator/prometheus", key).status()).isEqualTo(403);
        assertThat(http().get("/actuator/prometheus", MASTER_KEY).status()).isEqualTo(200);
    }

    @Test
    void requestsTokensCostAndLatenciesAreCountedByModelOutcomeAndTeam() {
        String team = newTeam("100", null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        Map<String, String> settled = Map.of("model", "gpt-cheap", "outcome", "settled");
        Map<String, String> input = Map.of("model", "gpt-cheap", "type", "input");
        Map<String, String> output = Map.of("model", "gpt-cheap", "type", "output");
        Map<String, String> cheap = Map.of("model", "gpt-cheap");
        String before = scrape();

        BigDecimal cost = BigDecimal.ZERO;
        for (int i = 0; i < 3; i++) {
            Http.Response answer = chat(key, "gpt-cheap", Map.of("max_tokens", 100));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            cost = cost.add(new BigDecimal(answer.header("x-tollgate-cost")));
        }
        Http.Response streamed = chat(key, "gpt-cheap", Map.of("stream", true, "max_tokens", 100));
        assertThat(streamed.status()).isEqualTo(200);
        Http.Response refused = chat(key, "gpt-limited", Map.of());
        assertThat(refused.status()).isEqualTo(429);

        String after = scrape();
        assertThat(sample(after, "tollgate_requests_total", settled) - sample(before, "tollgate_requests_total", settled))
                .isEqualTo(4);
        assertThat(sample(after, "tollgate_requests_total", Map.of("model", "gpt-limited", "outcome", "released"))
                - sample(before, "tollgate_requests_total", Map.of("model", "gpt-limited", "outcome", "released")))
                .isEqualTo(1);
        // the fake upstream reports 12 prompt tokens and max_tokens completion tokens; the stream 100 as well
        assertThat(sample(after, "tollgate_tokens_total", input) - sample(before, "tollgate_tokens_total", input))
                .isEqualTo(4 * 12);
        assertThat(sample(after, "tollgate_tokens_total", output) - sample(before, "tollgate_tokens_total", output))
                .isEqualTo(4 * 100);
        // the team is new: its cost series holds these four requests only (three answers and the stream, alike)
        double teamCost = sample(after, "tollgate_cost_total", Map.of("model", "gpt-cheap", "team", team));
        assertThat(teamCost).isCloseTo(cost.multiply(BigDecimal.valueOf(4)).divide(BigDecimal.valueOf(3))
                .doubleValue(), within(1e-12));
        assertThat(sample(after, "tollgate_request_duration_seconds_count", settled)
                - sample(before, "tollgate_request_duration_seconds_count", settled)).isEqualTo(4);
        assertThat(after).contains("tollgate_request_duration_seconds_bucket{");
        assertThat(sample(after, "tollgate_time_to_first_token_seconds_count", cheap)
                - sample(before, "tollgate_time_to_first_token_seconds_count", cheap)).isEqualTo(1);
        assertThat(sample(after, "tollgate_gateway_overhead_seconds_count", cheap)
                - sample(before, "tollgate_gateway_overhead_seconds_count", cheap)).isEqualTo(4);
        assertThat(sample(after, "tollgate_gateway_overhead_seconds_sum", cheap)
                - sample(before, "tollgate_gateway_overhead_seconds_sum", cheap))
                .as("overhead is part of the requests' time")
                .isLessThanOrEqualTo(sample(after, "tollgate_request_duration_seconds_sum", settled)
                        - sample(before, "tollgate_request_duration_seconds_sum", settled));
        assertThat(after).doesNotContain(key);
    }

    @Test
    void governedRoutesAreTimedByTollgatesMetersAndTheOtherRoutesBySpringsHttpServerMeter() {
        String team = newTeam("100", null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        Map<String, String> chatRoute = Map.of("uri", "/v1/chat/completions");
        Map<String, String> embeddingsRoute = Map.of("uri", "/v1/embeddings");
        Map<String, String> modelsRoute = Map.of("uri", "/v1/models");
        Map<String, String> settled = Map.of("model", "gpt-cheap", "operation", "chat", "outcome", "settled");
        String before = scrape();

        assertThat(chat(key, "gpt-cheap", Map.of("max_tokens", 10)).status()).isEqualTo(200);
        assertThat(http().post("/v1/embeddings", key, Map.of("model", "embed-test", "input", "x")).status())
                .isEqualTo(200);
        assertThat(http().post("/v1/chat/completions", null, Map.of("model", "gpt-cheap")).status())
                .isEqualTo(401);
        assertThat(http().get("/v1/models", key).status()).isEqualTo(200);

        String after = scrape();
        String count = "http_server_requests_seconds_count";
        assertThat(sample(after, count, chatRoute) - sample(before, count, chatRoute)).isZero();
        assertThat(sample(after, count, embeddingsRoute) - sample(before, count, embeddingsRoute)).isZero();
        assertThat(sample(after, count, modelsRoute) - sample(before, count, modelsRoute)).isEqualTo(1);
        assertThat(sample(after, "tollgate_request_duration_seconds_count", settled)
                - sample(before, "tollgate_request_duration_seconds_count", settled)).isEqualTo(1);
        assertThat(totalOf(after, "tollgate_requests_total", Map.of("operation", "chat", "outcome", "rejected"))
                - totalOf(before, "tollgate_requests_total", Map.of("operation", "chat", "outcome", "rejected")))
                .as("the request without a key").isEqualTo(1);
    }

    @Test
    void noLogEventCounterFiltersEveryLoggerCheck() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(logging.getTurboFilterList()).as("turbo filters run on every isDebugEnabled()").isEmpty();
        assertThat(scrape()).doesNotContain("logback_events");
    }

    @Test
    void aTeamsRemainingBudgetIsAGaugeThatFollowsItsSpend() {
        String team = newTeam("100", null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                sample(scrape(), "tollgate_budget_remaining", Map.of("team", team))).isEqualTo(100));

        Http.Response answer = chat(key, "gpt-test", Map.of("max_tokens", 1000));
        assertThat(answer.status()).isEqualTo(200);
        double expected = 100 - Double.parseDouble(answer.header("x-tollgate-cost"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                sample(scrape(), "tollgate_budget_remaining", Map.of("team", team))).isCloseTo(expected, within(1e-9)));
    }

    @Test
    void everyConfiguredDeploymentHasAStateGaugeThatRoutingTurnsToCooldownUntilTheCooldownEnds() {
        Map<String, String> up = Map.of("deployment", "fake-normal", "model", "gpt-test", "provider", "openai",
                "state", "up");
        Map<String, String> cooldown = Map.of("deployment", "fake-normal", "state", "cooldown");
        String text = scrape();
        assertThat(sample(text, "tollgate_deployment_state", up)).isEqualTo(1);
        assertThat(sample(text, "tollgate_deployment_state", cooldown)).isEqualTo(0);
        assertThat(sample(text, "tollgate_deployment_state", Map.of("deployment", "fake-normal",
                "state", "rate_limited"))).isEqualTo(0);
        assertThat(sample(text, "tollgate_deployment_state", Map.of("deployment", "mock-model", "state", "up")))
                .isEqualTo(1);

        // what the router reports when a failure it recorded starts a cooldown (RoutingTest does it for real)
        deployments.coolingDown("fake-normal", System.currentTimeMillis() + 1500);
        text = scrape();
        assertThat(sample(text, "tollgate_deployment_state", up)).isEqualTo(0);
        assertThat(sample(text, "tollgate_deployment_state", cooldown)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String later = scrape();
            assertThat(sample(later, "tollgate_deployment_state", up)).isEqualTo(1);
            assertThat(sample(later, "tollgate_deployment_state", cooldown)).isEqualTo(0);
        });
    }

    @Test
    void theOtherRoutesAreCountedByOperationWithTheirTokensCostAndTimeToFirstToken() {
        String team = newTeam("100", null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        Map<String, String> embeddings = Map.of("model", "embed-test", "operation", "embeddings",
                "outcome", "settled");
        Map<String, String> images = Map.of("model", "image-test", "operation", "generate_content",
                "outcome", "settled");
        Map<String, String> completions = Map.of("model", "gpt-test", "operation", "text_completion",
                "outcome", "settled");
        Map<String, String> responses = Map.of("model", "gpt-test", "operation", "chat", "outcome", "settled");
        Map<String, String> embedInput = Map.of("model", "embed-test", "type", "input");
        Map<String, String> brokenEmbeddings = Map.of("model", "embed-broken", "operation", "embeddings",
                "outcome", "released");
        Map<String, String> ttft = Map.of("model", "gpt-test");
        String before = scrape();

        Http.Response embedded = http().post("/v1/embeddings", key, Map.of("model", "embed-test", "input", "x"));
        assertThat(embedded.status()).as(embedded.body()).isEqualTo(200);
        Http.Response image = http().post("/v1/images/generations", key, Map.of("model", "image-test",
                "prompt", "a cat", "n", 2));
        assertThat(image.status()).as(image.body()).isEqualTo(200);
        Http.Response completion = http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", "x",
                "max_tokens", 10, "stream", true, "stream_options", Map.of("include_usage", true)));
        assertThat(completion.status()).as(completion.body()).isEqualTo(200);
        Http.Response response = http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "max_output_tokens", 10, "stream", true));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(http().post("/v1/embeddings", key, Map.of("model", "embed-broken", "input", "x")).status())
                .isEqualTo(502);

        String after = scrape();
        for (Map<String, String> labels : List.of(embeddings, images, completions, responses, brokenEmbeddings)) {
            assertThat(sample(after, "tollgate_requests_total", labels)
                    - sample(before, "tollgate_requests_total", labels)).as(labels.toString()).isEqualTo(1);
            assertThat(sample(after, "tollgate_request_duration_seconds_count", labels)
                    - sample(before, "tollgate_request_duration_seconds_count", labels)).as(labels.toString())
                    .isEqualTo(1);
        }
        assertThat(sample(after, "tollgate_tokens_total", embedInput) - sample(before, "tollgate_tokens_total",
                embedInput)).as("the fake upstream's prompt tokens").isEqualTo(12);
        assertThat(sample(after, "tollgate_cost_total", Map.of("model", "embed-test", "team", team)))
                .isCloseTo(Double.parseDouble(embedded.header("x-tollgate-cost")), within(1e-12));
        assertThat(sample(after, "tollgate_cost_total", Map.of("model", "image-test", "team", team)))
                .isCloseTo(Double.parseDouble(image.header("x-tollgate-cost")), within(1e-12))
                .isCloseTo(0.08, within(1e-12));
        assertThat(sample(after, "tollgate_time_to_first_token_seconds_count", ttft)
                - sample(before, "tollgate_time_to_first_token_seconds_count", ttft))
                .as("the streamed completion and the streamed response").isEqualTo(2);
    }
}
