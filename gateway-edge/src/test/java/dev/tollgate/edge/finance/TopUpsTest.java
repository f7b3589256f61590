package dev.tollgate.edge.finance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Lifetime allowances (budgets without period) topped up through the admin API, on statements and in the audit. */
class TopUpsTest extends GatewayTestSupport {

    @Test
    void anExhaustedThesisAllowanceIsToppedUpAndTheTopUpIsAStatementLineAndAnAuditEntry() {
        String team = newTeam(null, "1", "reject");
        String user = unique("thesis");
        Http.Response created = http().post("/admin/users", MASTER_KEY, Map.of("id", user, "team_id", team,
                "name", "Thesis student", "budget", Map.of("limit", "0.000001", "period", "none")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String key = newUserKey(user, List.of());
        Http.Response refused = chat(key, "gpt-cheap", Map.of());
        assertThat(refused.status()).as("the allowance does not afford the worst case").isEqualTo(429);

        Http.Response topUp = http().post("/admin/topups", MASTER_KEY, Map.of("target", "user:" + user,
                "amount", "1", "reason", "second semester"));
        assertThat(topUp.status()).as(topUp.body()).isEqualTo(201);
        JsonNode answer = topUp.json();
        assertThat(answer.path("limit_after").asText()).isEqualTo("1.000001");
        assertThat(answer.path("balance").path("limit").asText()).isEqualTo("1.000001");
        assertThat(answer.path("balance").path("period").asText()).isEqualTo("none");
        assertThat(answer.path("actor").asText()).isEqualTo("master");

        Http.Response afforded = chat(key, "gpt-cheap", Map.of());
        assertThat(afforded.status()).as(afforded.body()).isEqualTo(200);
        messageCost(afforded.header("x-request-id"));
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", user);
            assertThat(budget.path("period").asText()).isEqualTo("none");
            assertThat(budget.path("period_end").isNull()).as("a lifetime allowance never resets").isTrue();
            assertThat(budget.path("spent").asText()).isEqualTo(afforded.header("x-tollgate-cost"));
        });

        String month = YearMonth.now(ZoneOffset.UTC).toString();
        await().untilAsserted(() -> {
            JsonNode statement = http().get("/reports/statements/" + team + "?month=" + month, MASTER_KEY).json();
            assertThat(statement.path("top_ups")).hasSize(1);
            JsonNode line = statement.path("top_ups").get(0);
            assertThat(line.path("user_id").asText()).isEqualTo(user);
            assertThat(line.path("amount").asText()).isEqualTo("1");
            assertThat(line.path("reason").asText()).isEqualTo("second semester");
            assertThat(line.path("actor").asText()).isEqualTo("master");
        });
        List<String> csv = http().get("/reports/statements/" + team + "?month=" + month + "&format=csv", MASTER_KEY)
                .body().lines().toList();
        assertThat(csv.get(0)).endsWith(",top_up");
        assertThat(csv.get(csv.size() - 1)).contains("TOP-UP " + user).endsWith(",1");

        await().untilAsserted(() -> assertThat(http().get("/audit?entity=user:" + user + "&action=user.topped_up",
                MASTER_KEY).json().path("data")).hasSize(1));
        assertThat(http().get("/admin/topups?team_id=" + team, MASTER_KEY).json().path("data")
                .findValuesAsText("amount")).containsExactly("1");
    }

    @Test
    void aPeriodicBudgetIsRefusedWithABoostSuggestedAndAFinanceCredentialMayNotTopUp() {
        String team = newTeam("10", "1", "clamp");
        Http.Response refused = http().post("/admin/topups", MASTER_KEY, Map.of("target", "team:" + team,
                "amount", "5", "reason", "more"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").path("message").asText()).contains("grant a boost instead");

        Credential finance = newCredential("finance", null, null);
        Http.Response forbidden = http().post("/admin/topups", finance.secret(), Map.of("target", "team:" + team,
                "amount", "5", "reason", "more"));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(http().post("/admin/topups", MASTER_KEY, Map.of("target", "team:" + team, "amount", "5"))
                .status()).as("a reason is required").isEqualTo(400);
    }

    @Test
    void aManagerMayNotTopAnAllowanceUpPastTheirBudgetCap() {
        String team = newTeam(null, "1", "reject");
        String user = unique("thesis");
        assertThat(http().post("/admin/users", MASTER_KEY, Map.of("id", user, "team_id", team, "name", "Thesis",
                "budget", Map.of("limit", "40", "period", "none"))).status()).isEqualTo(201);
        Credential manager = newCredential("manager", List.of(team), "50");

        Http.Response within = http().post("/admin/topups", manager.secret(), Map.of("target", "user:" + user,
                "amount", "10", "reason", "second semester"));
        assertThat(within.status()).as(within.body()).isEqualTo(201);
        assertThat(within.json().path("limit_after").asText()).isEqualTo("50");

        // each top-up is within the cap; the allowance it leaves is not
        Http.Response above = http().post("/admin/topups", manager.secret(), Map.of("target", "user:" + user,
                "amount", "10", "reason", "third semester"));
        assertThat(above.status()).as(above.body()).isEqualTo(403);
        assertThat(above.json().path("error").path("code").asText()).isEqualTo("permission_denied");
        assertThat(above.json().path("error").path("message").asText()).contains("Your budget cap is 50");
        assertThat(http().post("/admin/topups", MASTER_KEY, Map.of("target", "user:" + user, "amount", "10",
                "reason", "the dean agreed")).status()).as("an admin has no cap").isEqualTo(201);
    }

    @Test
    void aTopUpSentAgainWithItsIdRaisesTheAllowanceOnceAndAnswersWithThatTopUp() {
        String team = newTeam(null, "1", "clamp");
        String user = unique("thesis");
        Http.Response created = http().post("/admin/users", MASTER_KEY, Map.of("id", user, "team_id", team,
                "name", "Thesis student", "budget", Map.of("limit", "20", "period", "none")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String topUpId = unique("topup-retry");
        Map<String, Object> body = Map.of("id", topUpId, "target", "user:" + user, "amount", "10",
                "reason", "second semester");

        Http.Response first = http().post("/admin/topups", MASTER_KEY, body);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().path("limit_after").asText()).isEqualTo("30");
        // a client's retry after a timeout: the same top-up
        Http.Response retried = http().post("/admin/topups", MASTER_KEY, body);
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(retried.json()).as("answered as the first was").isEqualTo(first.json());
        assertThat(toppedUp(team)).as("the allowance grew once").isEqualTo(1);

        // the id taken again for another amount or account is refused
        Http.Response otherAmount = http().post("/admin/topups", MASTER_KEY, Map.of("id", topUpId,
                "target", "user:" + user, "amount", "11", "reason", "second semester"));
        assertThat(otherAmount.status()).as(otherAmount.body()).isEqualTo(409);
        assertThat(otherAmount.json().path("error").path("code").asText()).isEqualTo("conflict");
        assertThat(http().post("/admin/topups", MASTER_KEY, Map.of("id", topUpId, "target", "team:" + team,
                "amount", "10", "reason", "second semester")).status()).isEqualTo(409);

        // sent again after a later top-up: the first top-up, with the balance as it is now
        Http.Response later = http().post("/admin/topups", MASTER_KEY, Map.of("target", "user:" + user,
                "amount", "5", "reason", "third semester"));
        assertThat(later.json().path("limit_after").asText()).as(later.body()).isEqualTo("35");
        Http.Response late = http().post("/admin/topups", MASTER_KEY, body);
        assertThat(late.status()).as(late.body()).isEqualTo(201);
        assertThat(late.json().path("id").asText()).isEqualTo(topUpId);
        assertThat(late.json().path("limit_after").asText()).isEqualTo("30");
        assertThat(late.json().path("balance").path("limit").asText()).isEqualTo("35");

        assertThat(toppedUp(team)).as("two top-ups").isEqualTo(2);
        assertThat(budgetOf("users", user).path("limit").asText()).isEqualTo("35");
        JsonNode listed = http().get("/admin/topups?team_id=" + team, MASTER_KEY).json().path("data");
        assertThat(listed).hasSize(2);
    }

    /** The team's BudgetToppedUp events in the event store: what the ledger did, whatever the read model shows. */
    private int toppedUp(String team) {
        return dsl.fetchCount(dsl.selectOne().from("domainevententry").where("aggregateidentifier = ?", team)
                .and("payloadtype = 'dev.tollgate.api.topup.BudgetToppedUp'"));
    }
}
