package dev.tollgate.edge.finance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A recalculation's lines compare with the costs charged when it started: once another recalculation of the same
 * requests is approved, it is superseded and its approval refused, so that no correction is charged twice. A
 * publication that changes nothing starts no recalculation, and a stream in flight across a correction is charged
 * the corrected price.
 */
class SupersededRecalculationTest extends GatewayTestSupport {

    /** 1 and 2 per million tokens; the fake upstream answers 12 prompt and 20 completion tokens. */
    static final String ORIGINAL = "0.000052";
    /** ... and 0.000072 once the output price is corrected to 3 per million. */
    static final String CORRECTED = "0.000072";

    @Test
    void aSecondReadyRecalculationOfTheSameRequestsIsSupersededByTheFirstOnesApprovalAndRefused() {
        Instant before = correctionInstant();
        String team = newTeam(null, "1", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        Http.Response answer = chat(key, "gpt-recost-twice", Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        String requestId = answer.header("x-request-id");
        messageCost(requestId);
        awaitSpent(user, ORIGINAL);
        awaitInThePast(before);

        // a price correction starts R1; once it is ready, someone starts R2 over the same range
        String r1 = correct(before, "gpt-recost-twice", "corrected");
        awaitStatus(r1, "ready");
        Http.Response started = http().post("/admin/recalculations", MASTER_KEY, Map.of("from", before.toString(),
                "reason", "routine check"));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String r2 = started.json().path("id").asText();
        assertThat(awaitStatus(r2, "ready").path("summary").path("messages").asLong())
                .as("R2 sees the same request at the same charged cost").isPositive();

        Http.Response first = http().post("/admin/recalculations/" + r1 + "/approve", MASTER_KEY,
                Map.of("reason", "ok"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        awaitStatus(r1, "applied");

        Http.Response second = http().post("/admin/recalculations/" + r2 + "/approve", MASTER_KEY,
                Map.of("reason", "ok"));
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        assertThat(second.json().path("error").path("message").asText())
                .contains("superseded by the approval of recalculation '" + r1 + "'")
                .contains("Start a new recalculation");
        JsonNode superseded = http().get("/admin/recalculations/" + r2, MASTER_KEY).json();
        assertThat(superseded.path("status").asText()).isEqualTo("superseded");
        assertThat(superseded.path("superseded_by").asText()).isEqualTo(r1);

        await().untilAsserted(() -> {
            JsonNode message = http().get("/spend/messages/" + requestId, MASTER_KEY).json();
            assertThat(message.path("adjusted_cost").isTextual()).as("adjusted yet").isTrue();
            assertThat(new BigDecimal(message.path("adjusted_cost").asText())).isEqualByComparingTo(CORRECTED);
        });
        awaitSpent(user, CORRECTED);
        assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText()))
                .as("corrected once").isEqualByComparingTo(CORRECTED);
        JsonNode reconciliation = http().get("/reports/reconciliation?from=" + before, MASTER_KEY).json();
        assertThat(reconciliation.path("matches").asBoolean()).as(reconciliation.toString()).isTrue();
        await().untilAsserted(() -> assertThat(http().get("/audit?entity=recalculation:" + r2, MASTER_KEY).json()
                .path("data").findValuesAsText("action")).contains("recalculation.superseded"));

        // a new recalculation compares with the corrected cost: nothing is left to change
        Http.Response again = http().post("/admin/recalculations", MASTER_KEY, Map.of("from", before.toString(),
                "reason", "after the correction"));
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        JsonNode third = awaitStatus(again.json().path("id").asText(), "ready");
        assertThat(http().get("/admin/recalculations/" + third.path("id").asText() + "/lines?team_id=" + team,
                MASTER_KEY).json().path("data")).isEmpty();
    }

    @Test
    void aRecalculationRunningWhenAnotherIsApprovedIsSupersededAndAPublicationThatChangesNothingStartsNone() {
        Instant before = correctionInstant();
        String user = newUser(newTeam(null, "1", "clamp"), null);
        Http.Response answer = chat(newUserKey(user, List.of()), "gpt-recost-running", Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        messageCost(answer.header("x-request-id"));
        awaitInThePast(before);

        String r1 = correct(before, "gpt-recost-running", "corrected");
        awaitStatus(r1, "ready");
        Http.Response repeated = http().put("/admin/prices", MASTER_KEY, Map.of("effective_from", before.toString(),
                "reason", "sent twice", "prices", Map.of("gpt-recost-running", Map.of("input", "1", "output", "3"))));
        assertThat(repeated.status()).as(repeated.body()).isEqualTo(200);
        assertThat(repeated.json().has("recalculation_id")).as("nothing changed: " + repeated.body()).isFalse();

        Http.Response started = http().post("/admin/recalculations", MASTER_KEY, Map.of("from", before.toString(),
                "reason", "routine check"));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String r2 = started.json().path("id").asText();
        // R2 replays for a few seconds at least (it waits for settlements priced just before a correction)
        assertThat(http().post("/admin/recalculations/" + r1 + "/approve", MASTER_KEY, Map.of("reason", "ok"))
                .status()).isEqualTo(200);
        JsonNode superseded = awaitStatus(r2, "superseded");
        assertThat(superseded.path("superseded_by").asText()).isEqualTo(r1);
        awaitStatus(r1, "applied");
        awaitSpent(user, CORRECTED);
        assertThat(http().post("/admin/recalculations/" + r2 + "/approve", MASTER_KEY, Map.of("reason", "ok"))
                .status()).isEqualTo(409);
        // its replay stopped: another recalculation may start
        Http.Response third = http().post("/admin/recalculations", MASTER_KEY, Map.of("from", before.toString(),
                "reason", "after the correction"));
        assertThat(third.status()).as(third.body()).isEqualTo(202);
        awaitStatus(third.json().path("id").asText(), "ready");
    }

    @Test
    void aStreamInFlightAcrossAPriceCorrectionIsChargedTheCorrectedPrice() throws Exception {
        Instant before = correctionInstant();
        String user = newUser(newTeam(null, "1", "clamp"), null);
        String key = newUserKey(user, List.of());
        awaitInThePast(before);
        upstream().holdNextStream();
        CompletableFuture<Http.Response> streamed;
        try {
            streamed = CompletableFuture.supplyAsync(() -> http().post("/v1/chat/completions", key,
                    Map.of("model", "gpt-recost-stream", "stream", true, "stream_options",
                            Map.of("include_usage", true), "messages", List.of(Map.of("role", "user",
                                    "content", "hello " + unique("m"))))));
            assertThat(upstream().awaitFirstChunkSent()).isTrue();

            // the correction reaches back before the stream started; its recalculation is ready before it ends
            String recalculation = correct(before, "gpt-recost-stream", "corrected while a stream ran");
            awaitStatus(recalculation, "ready");
        } finally {
            upstream().releaseStream();
        }
        Http.Response answer = streamed.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode message = messageCost(answer.header("x-request-id"));
        JsonNode usage = message.path("usage");
        BigDecimal corrected = BigDecimal.valueOf(usage.path("prompt_tokens").asLong())
                .add(BigDecimal.valueOf(usage.path("completion_tokens").asLong() * 3))
                .movePointLeft(6);
        assertThat(corrected).isPositive();
        assertThat(new BigDecimal(message.path("cost").asText())).as(message.toString())
                .isEqualByComparingTo(corrected);
        awaitSpent(user, corrected.toPlainString());
    }

    /**
     * An instant to correct prices from: after the configured version (in force from the gateway's start, which a
     * correction reaching further back would not replace) and at most ten seconds ago.
     */
    private Instant correctionInstant() {
        Instant afterConfigured = http().get("/admin/prices", MASTER_KEY).json().path("data")
                .findValuesAsText("effective_from").stream().map(Instant::parse).max(Instant::compareTo)
                .orElse(Instant.EPOCH).plusMillis(1);
        Instant tenSecondsAgo = Instant.now().minusSeconds(10);
        return afterConfigured.isAfter(tenSecondsAgo) ? afterConfigured : tenSecondsAgo;
    }

    /** A correction lies more than 5 s in the past (PriceAdminController's threshold). */
    private static void awaitInThePast(Instant before) {
        await().atMost(Duration.ofSeconds(15)).until(() -> before.isBefore(Instant.now().minusSeconds(6)));
    }

    /** Corrects the model's output price to 3 per million from {@code from}; answers the recalculation started. */
    private String correct(Instant from, String model, String reason) {
        Http.Response corrected = http().put("/admin/prices", MASTER_KEY, Map.of("effective_from", from.toString(),
                "reason", reason, "prices", Map.of(model, Map.of("input", "1", "output", "3"))));
        assertThat(corrected.status()).as(corrected.body()).isEqualTo(200);
        String id = corrected.json().path("recalculation_id").asText();
        assertThat(id).as(corrected.body()).startsWith("recalc_");
        return id;
    }

    private void awaitSpent(String user, String spent) {
        await().untilAsserted(() -> assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText()))
                .isEqualByComparingTo(spent));
    }

    private JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).until(() -> http().get("/admin/recalculations/" + id, MASTER_KEY)
                .json().path("status").asText().equals(status));
        return http().get("/admin/recalculations/" + id, MASTER_KEY).json();
    }
}
