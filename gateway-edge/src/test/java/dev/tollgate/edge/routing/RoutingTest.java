package dev.tollgate.edge.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.ScriptedUpstream;
import dev.tollgate.edge.support.ScriptedUpstream.Hit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.tollgate.edge.telemetry.PrometheusMetricsTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static dev.tollgate.edge.support.ScriptedUpstream.cut;
import static dev.tollgate.edge.support.ScriptedUpstream.rateLimited;
import static dev.tollgate.edge.support.ScriptedUpstream.slow;
import static dev.tollgate.edge.support.ScriptedUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing over real HTTP: three scripted upstreams on loopback (a, b, c) serve the deployments of the models in
 * application-routing.yaml. Each test uses its own models; the shared log of upstream hits shows which deployments
 * were tried, in which order.
 */
@ActiveProfiles("routing")
class RoutingTest extends GatewayTestSupport {

    static final List<Hit> LOG = ScriptedUpstream.newLog();
    static final ScriptedUpstream A = new ScriptedUpstream("a", LOG);
    static final ScriptedUpstream B = new ScriptedUpstream("b", LOG);
    static final ScriptedUpstream C = new ScriptedUpstream("c", LOG);

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("test.routing.a", A::baseUrl);
        registry.add("test.routing.b", B::baseUrl);
        registry.add("test.routing.c", C::baseUrl);
    }

    String key;

    @BeforeEach
    void aStudent() {
        key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
    }

    @Test
    void usageBasedRoutingSpreadsLoadByHeadroomAndSkipsDeploymentsAtTheirLimit() {
        awaitEarlyInTheMinute();
        for (int i = 0; i < 6; i++) {
            assertThat(ask("spread").status()).isEqualTo(200);
        }
        // rpm 2, 4 and 6: the most headroom first keeps the used shares equal, so the load follows capacity
        assertThat(hitsByModel("spread-")).containsExactlyInAnyOrderEntriesOf(
                Map.of("spread-a", 1L, "spread-b", 2L, "spread-c", 3L));
        for (int i = 0; i < 6; i++) {
            assertThat(ask("spread").status()).isEqualTo(200);
        }
        assertThat(hitsByModel("spread-")).containsExactlyInAnyOrderEntriesOf(
                Map.of("spread-a", 2L, "spread-b", 4L, "spread-c", 6L));

        // every deployment is at its rpm this minute: nothing is sent, nothing is charged
        Http.Response full = ask("spread");
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.json().path("error").path("code").asText()).isEqualTo("no_deployment_available");
        assertThat(Long.parseLong(full.header("retry-after"))).isBetween(1L, 60L);
        assertThat(hits("spread-")).hasSize(12);
        assertThat(messageCost(full.header("x-request-id")).path("reason").asText())
                .isEqualTo("no_deployment_available");
    }

    @Test
    void aHeavyDeploymentAtItsRateLimitIsSkipped() {
        awaitEarlyInTheMinute();
        for (int i = 0; i < 10; i++) {
            Http.Response answer = ask("skip");
            assertThat(answer.status()).isEqualTo(200);
        }
        // skip-a takes 1000 times the share of skip-b, but only 2 requests a minute
        assertThat(hitsByModel("skip-")).containsExactlyInAnyOrderEntriesOf(Map.of("skip-a", 2L, "skip-b", 8L));
    }

    @Test
    void retriesGoToTheOtherDeploymentThenTheFallbackModelAnswersAndEveryAttemptIsRecorded() {
        A.always("ordered-a", status(500));
        B.always("ordered-b", status(503));

        Http.Response answer = ask("ordered");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<String> order = hits("ordered").stream().map(Hit::toString).toList();
        // num-retries 1: both deployments of the group (in the strategy's order), then the fallback model
        assertThat(order).hasSize(3);
        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("a:ordered-a", "b:ordered-b");
        assertThat(order.get(2)).isEqualTo("c:ordered-fb");
        assertThat(answer.header("x-tollgate-attempts")).isEqualTo("3");
        assertThat(answer.header("x-tollgate-deployment")).isEqualTo("ordered-fb");
        assertThat(answer.header("x-tollgate-model")).isEqualTo("ordered-fb");
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("model").asText()).isEqualTo("ordered-fb");
        assertThat(row.path("requested_model").asText()).isEqualTo("ordered");
        assertThat(row.path("deployment").asText()).isEqualTo("ordered-fb");
        assertThat(row.path("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void aRateLimitedDeploymentIsRetriedAfterItsRetryAfter() {
        A.script("patient", rateLimited("1"));

        Http.Response answer = ask("patient");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<Hit> hits = hits("patient");
        assertThat(hits).hasSize(2);
        assertThat(hits.get(1).atMillis() - hits.get(0).atMillis()).isGreaterThanOrEqualTo(950);
        assertThat(answer.header("x-tollgate-attempts")).isEqualTo("2");
        assertThat(messageCost(answer.header("x-request-id")).path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aRetryAfterTooLargeToAddToTheClockCoolsTheDeploymentDownForTheLongestCooldown() {
        A.script("forever", rateLimited("1e20"));

        Http.Response first = ask("forever");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-tollgate-deployment")).isEqualTo("forever-fb");

        // cooling down (for Router.MAX_RETRY_AFTER): not even tried; unclamped, now + 1e23 ms overflowed into the
        // past and the 429 cooled nothing down
        Http.Response second = ask("forever");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.header("x-tollgate-deployment")).isEqualTo("forever-fb");
        assertThat(hits("forever").stream().map(Hit::toString))
                .containsExactly("a:forever", "b:forever-fb", "b:forever-fb");
    }

    @Test
    void aRetryAfterIsReadInSecondsOrAsADateAndClampedToTheLongestCooldown() {
        long now = System.currentTimeMillis();
        assertThat(Router.retryAfter("7", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(Router.retryAfter("1.5", now)).isEqualTo(Duration.ofMillis(1500));
        assertThat(Router.retryAfter("-3", now)).isEqualTo(Duration.ZERO);
        for (String huge : List.of("1e20", "Infinity", "9223372036854775807", "Fri, 31 Dec 9999 23:59:59 GMT")) {
            assertThat(Router.retryAfter(huge, now)).as(huge).isEqualTo(Router.MAX_RETRY_AFTER);
        }
        assertThat(Router.retryAfter("soon", now)).isNull();
    }

    @Test
    void aFailingDeploymentCoolsDownAndIsUsedAgainWhenItsCooldownEnds() throws Exception {
        A.script("cool", status(500));

        Http.Response first = ask("cool");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-tollgate-deployment")).isEqualTo("cool-fb");
        assertThat(hits("cool").stream().map(Hit::toString)).containsExactly("a:cool", "b:cool-fb");

        // cooling down (allowed-fails 1, 2s): not even tried
        Http.Response second = ask("cool");
        assertThat(second.header("x-tollgate-deployment")).isEqualTo("cool-fb");
        assertThat(second.header("x-tollgate-attempts")).isEqualTo("1");
        assertThat(hits("cool").stream().map(Hit::toString)).containsExactly("a:cool", "b:cool-fb", "b:cool-fb");

        Thread.sleep(2100);
        Http.Response third = ask("cool");
        assertThat(third.header("x-tollgate-deployment")).isEqualTo("cool");
        assertThat(hits("cool").stream().map(Hit::toString))
                .containsExactly("a:cool", "b:cool-fb", "b:cool-fb", "a:cool");
    }

    @Test
    void aFallbackIsReservedForAndChargedAtTheFallbackModelsPrice() {
        A.always("thrifty", status(500));

        Http.Response answer = ask("thrifty", Map.of("max_tokens", 50));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(hits("thrifty", "lavish").stream().map(Hit::toString)).containsExactly("a:thrifty", "b:lavish");
        // 12 prompt tokens at 10 and 50 completion tokens at 20 per million: lavish's prices, not thrifty's
        BigDecimal cost = new BigDecimal(answer.header("x-tollgate-cost"));
        assertThat(cost).isEqualByComparingTo("0.00112");
        // the reservation covered the fallback's worst case (50 output tokens at 20 per million at least)
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved"))).isGreaterThanOrEqualTo(cost)
                .isGreaterThan(new BigDecimal("0.001"));
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("model").asText()).isEqualTo("lavish");
        assertThat(row.path("requested_model").asText()).isEqualTo("thrifty");
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo("0.00112");
        assertThat(row.path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aPromptTooLongForTheModelGoesToItsContextWindowFallback() {
        Http.Response small = ask("small-window");
        assertThat(small.header("x-tollgate-model")).isEqualTo("small-window");

        Http.Response large = ask("small-window", Map.of("messages",
                List.of(Map.of("role", "user", "content", "word ".repeat(200)))));

        assertThat(large.status()).as(large.body()).isEqualTo(200);
        assertThat(large.header("x-tollgate-model")).isEqualTo("big-window");
        assertThat(large.header("x-tollgate-attempts")).isEqualTo("1");
        assertThat(hits("-window").stream().map(Hit::toString)).containsExactly("a:small-window", "b:big-window");
    }

    @Test
    void aClientErrorIsNeitherRetriedNorSentToAFallback() {
        A.always("strict-a", status(400));
        B.always("strict-b", status(400));
        int fallbackHits = hits("ordered-fb").size();

        Http.Response answer = ask("strict");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(hits("strict-")).hasSize(1);
        assertThat(hits("ordered-fb")).hasSize(fallbackHits);
        assertThat(messageCost(answer.header("x-request-id")).path("outcome").asText()).isEqualTo("released");
    }

    @Test
    void aStreamIsRetriedBeforeItsFirstChunkButNotAfterIt() {
        A.script("streamy", status(502));
        Http.Response retried = ask("streamy", Map.of("stream", true));
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.body()).contains("Hello").contains("[DONE]");
        assertThat(retried.header("x-tollgate-attempts")).isEqualTo("2");
        assertThat(hits("streamy")).hasSize(2);
        JsonNode settled = messageCost(retried.header("x-request-id"));
        assertThat(settled.path("outcome").asText()).isEqualTo("settled");
        assertThat(settled.path("attempts").asInt()).isEqualTo(2);

        A.script("streamy", cut());
        Http.Response cutShort = ask("streamy", Map.of("stream", true));
        assertThat(cutShort.body()).contains("Hello");
        // num-retries 1 would allow another attempt, but the answer had begun: it is charged as delivered
        assertThat(hits("streamy")).hasSize(3);
        JsonNode row = messageCost(cutShort.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aStreamWhoseClientLeavesWhileTheGatewayWaitsToRetryIsReleasedAndNothingIsCharged() throws Exception {
        String user = newUser(newTeam(null, null, "clamp"), null);
        String own = newUserKey(user, List.of());
        A.script("left-waiting", rateLimited("3"));
        int before = hits("left-waiting").size();
        byte[] body = ("{\"model\":\"left-waiting\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hello\"}]}").getBytes(StandardCharsets.UTF_8);

        try (Socket client = new Socket("127.0.0.1", port)) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
                    + own + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            // the deployment answered 429 with Retry-After: 3; the gateway waits to try it again
            await().atMost(Duration.ofSeconds(10)).until(() -> hits("left-waiting").size() == before + 1);
        } // ... and the client leaves while it waits

        await().atMost(Duration.ofSeconds(10)).until(() -> dsl.fetchCount(MESSAGE_COSTS,
                MESSAGE_COSTS.USER_ID.eq(user)) == 1);
        String requestId = dsl.select(MESSAGE_COSTS.REQUEST_ID).from(MESSAGE_COSTS)
                .where(MESSAGE_COSTS.USER_ID.eq(user)).fetchOne(MESSAGE_COSTS.REQUEST_ID);
        JsonNode row = messageCost(requestId);
        // nothing was delivered, and the 429 billed nothing: the reservation is released, not charged
        assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("released");
        assertThat(row.path("reason").asText()).isEqualTo("client_disconnected");
        assertThat(row.path("cost").isNull() || new BigDecimal(row.path("cost").asText()).signum() == 0)
                .as(row.toString()).isTrue();
        // the wait was cancelled with the request: the deployment is not asked again for it
        await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(5))
                .until(() -> hits("left-waiting").size() == before + 1);
    }

    @Test
    void aWholeAnswerSlowerThanItsDeploymentsTimeoutIsNotSentAgainAndIsChargedItsReservation() {
        A.script("hasty", slow(3000));
        int before = hits("hasty").size();

        Http.Response answer = ask("hasty");

        // the upstream has the request and goes on generating it (and bills it): sent to the fallback, it would be
        // generated twice and charged once
        assertThat(answer.status()).as(answer.body()).isEqualTo(504);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(hits("hasty").subList(before, hits("hasty").size()).stream().map(Hit::toString))
                .containsExactly("a:hasty");
        chargedItsReservation(answer);
    }

    @Test
    void aStreamThatTimesOutBeforeItsFirstByteIsNotSentAgainAndIsChargedItsReservation() {
        A.script("hasty", slow(3000));
        int before = hits("hasty").size();

        Http.Response answer = ask("hasty", Map.of("stream", true));

        assertThat(answer.status()).as(answer.body()).isEqualTo(504);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(hits("hasty")).hasSize(before + 1);
        chargedItsReservation(answer);
    }

    @Test
    void aConnectionLostAfterTheRequestWasSentIsNotSentAgainAndIsChargedItsReservation() {
        A.script("dropped", ScriptedUpstream.drop());

        Http.Response answer = ask("dropped");

        assertThat(answer.status()).as(answer.body()).isEqualTo(502);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("upstream_connection_lost");
        assertThat(hits("dropped").stream().map(Hit::toString)).containsExactly("a:dropped");
        chargedItsReservation(answer);
    }

    @Test
    void aConnectionThatCannotBeMadeIsLeftForTheFallbackAndNothingIsChargedForIt() {
        Http.Response answer = ask("refused");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("x-tollgate-deployment")).isEqualTo("refused-fb");
        assertThat(answer.header("x-tollgate-attempts")).isEqualTo("2");
        // 12 prompt tokens at 1 and 20 output tokens at 2 per million: the fallback's answer only
        assertThat(new BigDecimal(answer.header("x-tollgate-cost"))).isEqualByComparingTo("0.000052");
    }

    /** Settled at its reservation, the cost the client was told in its header and in its message. */
    private void chargedItsReservation(Http.Response answer) {
        String cost = answer.header("x-tollgate-cost");
        assertThat(cost).as("x-tollgate-cost").isNotNull();
        assertThat(answer.json().path("error").path("message").asText()).contains(cost);
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("settled");
        assertThat(new BigDecimal(row.path("cost").asText())).isPositive().isEqualByComparingTo(cost)
                .isEqualByComparingTo(new BigDecimal(row.path("reserved").asText()));
        assertThat(row.path("attempts").asInt()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ every OpenAI route routes like chat

    @Test
    void aCompletionIsRetriedOnTheOtherDeploymentThenFallsBackAndIsChargedAtTheFallbacksPrice() {
        A.always("cmpl-a", status(500));
        B.always("cmpl-b", status(503));

        Http.Response answer = http().post("/v1/completions", key, Map.of("model", "cmpl", "prompt", "Say hi",
                "max_tokens", 10));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<String> order = hits("cmpl").stream().map(Hit::toString).toList();
        assertThat(order).hasSize(3);
        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("a:cmpl-a", "b:cmpl-b");
        assertThat(order.get(2)).isEqualTo("c:cmpl-fb");
        assertThat(answer.json().path("choices").get(0).path("text").asText()).isEqualTo("answered by c");
        assertThat(answer.header("x-tollgate-attempts")).isEqualTo("3");
        assertThat(answer.header("x-tollgate-model")).isEqualTo("cmpl-fb");
        // 12 prompt tokens at 10 and 10 completion tokens at 20 per million: the fallback's prices
        assertThat(new BigDecimal(answer.header("x-tollgate-cost"))).isEqualByComparingTo("0.00032");
        // the reservation covered the fallback's output: 10 tokens at 20 per million at least
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved"))).isGreaterThan(new BigDecimal("0.0002"));
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("model").asText()).isEqualTo("cmpl-fb");
        assertThat(row.path("requested_model").asText()).isEqualTo("cmpl");
        assertThat(row.path("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void aFailingCompletionsDeploymentCoolsDownAndIsSkipped() {
        A.script("cmpl-cool", status(500));

        Http.Response first = http().post("/v1/completions", key, Map.of("model", "cmpl-cool", "prompt", "x"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-tollgate-deployment")).isEqualTo("cmpl-cool-fb");

        // allowed-fails 1: cooling down for 2s, not even tried
        Http.Response second = http().post("/v1/completions", key, Map.of("model", "cmpl-cool", "prompt", "x"));
        assertThat(second.header("x-tollgate-deployment")).isEqualTo("cmpl-cool-fb");
        assertThat(second.header("x-tollgate-attempts")).isEqualTo("1");
        assertThat(hits("cmpl-cool").stream().map(Hit::toString))
                .containsExactly("a:cmpl-cool", "b:cmpl-cool-fb", "b:cmpl-cool-fb");
    }

    @Test
    void embeddingsFallBackOnlyToModelsOfTheirKind() {
        A.always("emb", status(500));
        int plainHits = hits("plain").size();

        Http.Response answer = http().post("/v1/embeddings", key, Map.of("model", "emb", "input", "hello"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // 'plain' (a chat model) is the first fallback named, and is skipped: it cannot embed
        assertThat(hits("plain")).hasSize(plainHits);
        assertThat(hits("emb", "emb-fb").stream().map(Hit::toString)).containsExactly("a:emb", "c:emb-fb");
        assertThat(answer.header("x-tollgate-model")).isEqualTo("emb-fb");
        // 12 tokens at 2 per million
        assertThat(new BigDecimal(answer.header("x-tollgate-cost"))).isEqualByComparingTo("0.000024");
        assertThat(messageCost(answer.header("x-request-id")).path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void embeddingsCountAgainstTheirDeploymentsRpm() {
        awaitEarlyInTheMinute();
        assertThat(http().post("/v1/embeddings", key, Map.of("model", "emb-rpm", "input", "a")).status())
                .isEqualTo(200);

        Http.Response full = http().post("/v1/embeddings", key, Map.of("model", "emb-rpm", "input", "b"));

        assertThat(full.status()).as(full.body()).isEqualTo(429);
        assertThat(full.json().path("error").path("code").asText()).isEqualTo("no_deployment_available");
        assertThat(full.header("retry-after")).isNotBlank();
        assertThat(hits("emb-rpm")).hasSize(1);
        assertThat(messageCost(full.header("x-request-id")).path("reason").asText())
                .isEqualTo("no_deployment_available");
    }

    @Test
    void anImageGenerationFallsBackAndIsChargedPerImageAtTheFallbacksPrice() {
        A.always("img", status(500));

        Http.Response answer = http().post("/v1/images/generations", key, Map.of("model", "img",
                "prompt", "a lighthouse", "n", 2));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(hits("img").stream().map(Hit::toString)).containsExactly("a:img", "b:img-fb");
        assertThat(answer.json().path("data")).hasSize(2);
        assertThat(new BigDecimal(answer.header("x-tollgate-cost"))).isEqualByComparingTo("0.10");
        // reserved for the dearer of the two: two images at 0.05
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved"))).isEqualByComparingTo("0.10");
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("model").asText()).isEqualTo("img-fb");
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo("0.10");
    }

    @Test
    void aResponsesStreamIsRetriedBeforeItsFirstEventButNotAfterIt() {
        A.script("resp", status(502));
        Http.Response retried = http().post("/v1/responses", key, Map.of("model", "resp", "input", "hi",
                "stream", true, "max_output_tokens", 30));
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.body()).contains("Hello").contains("response.completed").contains("\"cost\"");
        assertThat(retried.header("x-tollgate-attempts")).isEqualTo("2");
        JsonNode settled = messageCost(retried.header("x-request-id"));
        assertThat(settled.path("outcome").asText()).isEqualTo("settled");
        assertThat(settled.path("attempts").asInt()).isEqualTo(2);
        assertThat(settled.path("usage").path("completion_tokens").asLong()).isEqualTo(30);

        A.script("resp", cut());
        Http.Response cutShort = http().post("/v1/responses", key, Map.of("model", "resp", "input", "hi",
                "stream", true));
        assertThat(cutShort.body()).contains("Hello");
        assertThat(hits("resp")).hasSize(3);
        JsonNode row = messageCost(cutShort.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("attempts").asInt()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ the deployment state gauge

    @Autowired
    UsageStore store;

    @Test
    void theStateGaugeShowsACooldownWhileRoutingSkipsTheDeploymentAndUpWhenItEnds() {
        Map<String, String> cooldown = Map.of("deployment", "chilly", "model", "chilly", "state", "cooldown");
        Map<String, String> up = Map.of("deployment", "chilly", "model", "chilly", "state", "up");
        assertThat(state(scrape(), up)).isEqualTo(1);
        A.script("chilly", status(500));

        Http.Response first = ask("chilly");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-tollgate-deployment")).isEqualTo("chilly-fb");

        // allowed-fails 1, 2s: cooling down, and the gauge says so
        String cooling = scrape();
        assertThat(state(cooling, cooldown)).isEqualTo(1);
        assertThat(state(cooling, up)).isEqualTo(0);
        assertThat(state(cooling, Map.of("deployment", "chilly-fb", "state", "up"))).isEqualTo(1);
        assertThat(ask("chilly").header("x-tollgate-deployment")).as("skipped while cooling").isEqualTo("chilly-fb");

        // the cooldown ends: up again on the gauge without any request, and routing uses it again
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            String later = scrape();
            assertThat(state(later, up)).isEqualTo(1);
            assertThat(state(later, cooldown)).isEqualTo(0);
        });
        assertThat(ask("chilly").header("x-tollgate-deployment")).isEqualTo("chilly");
    }

    @Test
    void theStateGaugeReadsTheUsageStoreSoItShowsWhatOtherNodesRecordedAndFullMinutes() throws Exception {
        Map<String, String> elsewhere = Map.of("deployment", "elsewhere", "state", "cooldown");
        assertThat(state(scrape(), elsewhere)).isEqualTo(0);
        // another node (sharing the store through Redis) records the failure that cools the deployment down
        long now = System.currentTimeMillis();
        store.fail("elsewhere", 1, 60_000, 2_000, 0, now).toCompletableFuture().get();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(state(scrape(), elsewhere)).isEqualTo(1));

        // rpm 1: after one request the deployment is full until the minute ends
        awaitEarlyInTheMinute();
        assertThat(ask("brisk").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            String text = scrape();
            assertThat(state(text, Map.of("deployment", "brisk", "state", "rate_limited"))).isEqualTo(1);
            assertThat(state(text, Map.of("deployment", "brisk", "state", "up"))).isEqualTo(0);
        });
    }

    private String scrape() {
        Http.Response response = http().get("/actuator/prometheus", MASTER_KEY);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static double state(String text, Map<String, String> labels) {
        return PrometheusMetricsTest.sample(text, "tollgate_deployment_state", labels);
    }

    // ------------------------------------------------------------------ helpers

    private Http.Response ask(String model) {
        return ask(model, Map.of());
    }

    private Http.Response ask(String model, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        return chat(key, model, body);
    }

    private static List<Hit> hits(String modelPart) {
        return LOG.stream().filter(h -> h.model().contains(modelPart)).toList();
    }

    private static List<Hit> hits(String model, String another) {
        return LOG.stream().filter(h -> h.model().equals(model) || h.model().equals(another)).toList();
    }

    private static Map<String, Long> hitsByModel(String modelPart) {
        return hits(modelPart).stream().collect(Collectors.groupingBy(Hit::model, Collectors.counting()));
    }

    /** Deployment limits count per minute: a test that fills them must not straddle two minutes. */
    static void awaitEarlyInTheMinute() {
        int second = LocalTime.now().getSecond();
        if (second > 45) {
            try {
                Thread.sleep(Duration.ofSeconds(61 - second).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
