package dev.tollgate.edge.finance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider corrects a price after the fact: the requests since are re-costed by a replay, finance reviews the
 * diff, an admin approves it, and only then do budgets, per-message costs and reports change.
 */
class RecalculationTest extends GatewayTestSupport {

    @org.springframework.beans.factory.annotation.Autowired
    org.axonframework.config.EventProcessingConfiguration processing;

    /** gpt-recost costs 1 and 2 per million tokens; the fake upstream answers 12 prompt and 20 completion tokens. */
    static final BigDecimal ORIGINAL = new BigDecimal("0.000052");
    /** ... and 0.000072 once the output price is corrected to 3 per million. */
    static final BigDecimal CORRECTED = new BigDecimal("0.000072");

    @Test
    void aPriceCorrectionForThePastIsReviewedThenApprovedThenCharged() {
        // The configured prices are a version in force from the gateway's start, and the version with the latest
        // effective_from wins: a correction reaching back before the start would leave the configured version in
        // force for these requests. So the correction starts after both, and is published once it lies more than
        // the correction threshold (5 s) in the past.
        Instant afterConfigured = latestEffectiveFrom().plusMillis(1);
        Instant tenSecondsAgo = Instant.now().minusSeconds(10);
        Instant before = afterConfigured.isAfter(tenSecondsAgo) ? afterConfigured : tenSecondsAgo;
        String team = newTeam(null, "1", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Http.Response answer = chat(key, "gpt-recost", Map.of());
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(new BigDecimal(answer.header("x-tollgate-cost"))).isEqualByComparingTo(ORIGINAL);
            requests.add(answer.header("x-request-id"));
        }
        requests.forEach(this::messageCost);
        await().untilAsserted(() -> assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText()))
                .isEqualByComparingTo("0.000156"));

        await().atMost(Duration.ofSeconds(15)).until(() -> before.isBefore(Instant.now().minusSeconds(6)));
        Http.Response corrected = http().put("/admin/prices", MASTER_KEY, Map.of("effective_from", before.toString(),
                "reason", "the provider corrected its output price",
                "prices", Map.of("gpt-recost", Map.of("input", "1", "output", "3"))));
        assertThat(corrected.status()).as(corrected.body()).isEqualTo(200);
        String id = corrected.json().path("recalculation_id").asText();
        assertThat(id).startsWith("recalc_");

        JsonNode ready = awaitStatus(id, "ready");
        assertThat(ready.path("progress").path("processed").asLong()).isGreaterThanOrEqualTo(3);
        // the replay stops once its diff is complete: between recalculations it reads no events
        await().atMost(Duration.ofSeconds(10)).until(() -> !processing.eventProcessor("recalculation-replay",
                org.axonframework.eventhandling.StreamingEventProcessor.class).orElseThrow().isRunning());
        JsonNode summary = ready.path("summary");
        assertThat(summary.path("messages").asLong()).isEqualTo(3);
        assertThat(new BigDecimal(summary.path("old_total").asText())).isEqualByComparingTo("0.000156");
        assertThat(new BigDecimal(summary.path("new_total").asText())).isEqualByComparingTo("0.000216");
        assertThat(new BigDecimal(summary.path("difference").asText())).isEqualByComparingTo("0.00006");
        assertThat(summary.path("teams").findValuesAsText("team_id")).containsExactly(team);

        Http.Response csv = http().get("/admin/recalculations/" + id + "/lines?format=csv", MASTER_KEY);
        assertThat(csv.header("content-type")).startsWith("text/csv");
        List<String> rows = csv.body().lines().toList();
        assertThat(rows.get(0)).isEqualTo("request_id,team_id,user_id,key_id,model,provider,started_at,old_cost,"
                + "new_cost,difference,price_version");
        assertThat(rows).hasSize(4);
        assertThat(rows.subList(1, 4)).allSatisfy(row -> assertThat(row).contains(team)
                .contains(",0.000052,0.000072,0.00002,"));

        assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText()))
                .as("nothing changes before approval").isEqualByComparingTo("0.000156");
        Credential finance = newCredential("finance", null, null);
        assertThat(http().post("/admin/recalculations/" + id + "/approve", finance.secret(),
                Map.of("reason", "checked")).status()).as("finance reviews, an admin approves").isEqualTo(403);
        assertThat(http().post("/admin/recalculations/" + id + "/approve", MASTER_KEY, Map.of()).status())
                .as("an approval needs a reason").isEqualTo(400);

        Http.Response approved = http().post("/admin/recalculations/" + id + "/approve", MASTER_KEY,
                Map.of("reason", "checked against the provider's invoice"));
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        JsonNode applied = awaitStatus(id, "applied");
        assertThat(applied.path("adjusted").asLong()).isEqualTo(3);
        assertThat(applied.path("approved_by").asText()).isEqualTo("master");

        await().untilAsserted(() -> {
            JsonNode message = http().get("/spend/messages/" + requests.get(0), MASTER_KEY).json();
            assertThat(new BigDecimal(message.path("cost").asText())).as("the original stays")
                    .isEqualByComparingTo(ORIGINAL);
            // an AssertionError while the projection has not applied the correction yet (untilAsserted retries
            // only those; new BigDecimal("null") would end the wait at once)
            assertThat(message.path("adjusted_cost").isTextual()).as("adjusted yet").isTrue();
            assertThat(new BigDecimal(message.path("adjusted_cost").asText())).isEqualByComparingTo(CORRECTED);
            assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText()))
                    .as("the current period's budget follows").isEqualByComparingTo("0.000216");
            assertThat(new BigDecimal(budgetOf("teams", team).path("spent").asText())).isEqualByComparingTo("0.000216");
            JsonNode report = http().get("/reports/spend?group_by=team&team_id=" + team, MASTER_KEY).json();
            assertThat(new BigDecimal(report.path("totals").path("cost").asText())).isEqualByComparingTo("0.000156");
            assertThat(new BigDecimal(report.path("totals").path("adjustments").asText()))
                    .isEqualByComparingTo("0.00006");
            assertThat(new BigDecimal(report.path("totals").path("net_cost").asText()))
                    .isEqualByComparingTo("0.000216");
        });
        JsonNode reconciliation = http().get("/reports/reconciliation?from=" + before, MASTER_KEY).json();
        assertThat(reconciliation.path("matches").asBoolean()).as(reconciliation.toString()).isTrue();
        JsonNode teamLine = reconciliation.path("teams").findParents("team_id").stream()
                .filter(line -> line.path("team_id").asText().equals(team)).findFirst().orElseThrow();
        assertThat(new BigDecimal(teamLine.path("ledger").asText())).isEqualByComparingTo("0.000216");

        Http.Response again = http().post("/admin/recalculations/" + id + "/approve", MASTER_KEY,
                Map.of("reason", "twice"));
        assertThat(again.status()).as("approved once only").isEqualTo(409);
        await().untilAsserted(() -> assertThat(http().get("/audit?entity=recalculation:" + id, MASTER_KEY).json()
                .path("data").findValuesAsText("action"))
                .containsExactly("recalculation.approved", "recalculation.started"));
    }

    @Test
    void aSecondRecalculationComparesWithTheCorrectedCostAndFindsNothingLeftToChange() {
        Instant before = Instant.now().minusSeconds(1);
        String user = newUser(newTeam(null, "1", "clamp"), null);
        messageCost(chat(newUserKey(user, List.of()), "gpt-cheap", Map.of()).header("x-request-id"));

        Http.Response started = http().post("/admin/recalculations", MASTER_KEY, Map.of("from", before.toString(),
                "reason", "routine check"));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode ready = awaitStatus(started.json().path("id").asText(), "ready");
        assertThat(ready.path("summary").path("messages").asLong()).as("prices did not change").isZero();
        assertThat(ready.path("progress").path("processed").asLong()).isPositive();
        assertThat(http().get("/admin/recalculations", MASTER_KEY).json().path("data").findValuesAsText("id"))
                .contains(ready.path("id").asText());
    }

    @Test
    void recalculationsAreForAdminsToRunAndFinanceToRead() {
        Credential finance = newCredential("finance", null, null);
        Credential manager = newCredential("manager", List.of(newTeam(null, null, "clamp")), null);
        Map<String, Object> body = Map.of("from", Instant.now().minusSeconds(60).toString(), "reason", "x");
        assertThat(http().post("/admin/recalculations", finance.secret(), body).status()).isEqualTo(403);
        assertThat(http().post("/admin/recalculations", manager.secret(), body).status()).isEqualTo(403);
        assertThat(http().get("/admin/recalculations", manager.secret()).status()).isEqualTo(403);
        assertThat(http().get("/admin/recalculations", finance.secret()).status()).isEqualTo(200);
        Http.Response noReason = http().post("/admin/recalculations", MASTER_KEY, Map.of("from", Instant.now()
                .minusSeconds(60).toString()));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().path("error").path("param").asText()).isEqualTo("reason");
        Http.Response future = http().post("/admin/recalculations", MASTER_KEY, Map.of("from", Instant.now()
                .plusSeconds(3600).toString(), "reason", "x"));
        assertThat(future.status()).as(future.body()).isEqualTo(400);
        assertThat(http().get("/admin/recalculations/recalc_nope", MASTER_KEY).status()).isEqualTo(404);
    }

    private JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).until(() -> http().get("/admin/recalculations/" + id, MASTER_KEY)
                .json().path("status").asText().equals(status));
        return http().get("/admin/recalculations/" + id, MASTER_KEY).json();
    }

    /** The latest effective_from of the price book's versions (the configured prices are one, from the start). */
    private Instant latestEffectiveFrom() {
        return http().get("/admin/prices", MASTER_KEY).json().path("data").findValuesAsText("effective_from")
                .stream().map(Instant::parse).max(Instant::compareTo).orElse(Instant.EPOCH);
    }
}
