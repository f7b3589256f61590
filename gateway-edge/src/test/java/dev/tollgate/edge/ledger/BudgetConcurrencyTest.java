package dev.tollgate.edge.ledger;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exact budgets under concurrency: a budget that affords exactly N requests, 10×N requests at once. Exactly N
 * succeed, the rest are refused, nothing stays reserved, and the read side's total equals the ledger's.
 * <p>
 * The model charges output only (input explicitly free) and the upstream answers exactly max_tokens, so the real
 * cost of every request equals its worst case: N requests spend the budget to the last nano-unit.
 */
class BudgetConcurrencyTest extends GatewayTestSupport {

    static final int N = 20;
    static final BigDecimal PER_REQUEST = new BigDecimal("0.0002"); // 100 output tokens at 2.00 per million

    @Test
    void aUserBudgetForNRequestsLetsExactlyNOfTenTimesAsManyThrough() {
        String team = newTeam(null, PER_REQUEST.multiply(BigDecimal.valueOf(N)).toPlainString(), "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        List<Integer> statuses = fire(key, 10 * N, i -> null);

        assertThat(statuses.stream().filter(s -> s == 200)).hasSize(N);
        assertThat(statuses.stream().filter(s -> s == 429)).hasSize(9 * N);
        assertLedgerAndReadSideAgree(team, "users", user);
    }

    @Test
    void aTeamBudgetForNRequestsHoldsAcrossManyUsersOfATeamKey() {
        String team = newTeam(PER_REQUEST.multiply(BigDecimal.valueOf(N)).toPlainString(), null, "clamp");
        String key = newTeamKey(team);

        List<Integer> statuses = fire(key, 10 * N, i -> "student-" + (i % 37));

        assertThat(statuses.stream().filter(s -> s == 200)).hasSize(N);
        assertThat(statuses.stream().filter(s -> s == 429)).hasSize(9 * N);
        assertLedgerAndReadSideAgree(team, "teams", team);
    }

    interface UserOf {
        String user(int i);
    }

    private List<Integer> fire(String key, int count, UserOf userOf) {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = userOf.user(i);
            String body = "{\"model\":\"gpt-output-priced\",\"max_tokens\":100,"
                    + (user == null ? "" : "\"user\":\"" + user + "\",")
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"request " + i + "\"}]}";
            HttpRequest request = http().request("/v1/chat/completions", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            responses.add(Http.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        return responses.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
    }

    private void assertLedgerAndReadSideAgree(String team, String kind, String accountId) {
        BigDecimal budget = PER_REQUEST.multiply(BigDecimal.valueOf(N));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.TEAM_ID.eq(team)
                    .and(MESSAGE_COSTS.OUTCOME.eq("settled")))).isEqualTo(N);
            assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.TEAM_ID.eq(team)
                    .and(MESSAGE_COSTS.OUTCOME.eq("rejected")))).isEqualTo(9 * N);
            assertThat(budgetOf(kind, accountId).path("reserved").asText()).isEqualTo("0");
            // budget_status is its own projection: it may not have seen any of it yet (then reserved is 0 too)
            assertThat(new BigDecimal(budgetOf(kind, accountId).path("spent").asText())).isEqualByComparingTo(budget);
        });
        BigDecimal readSide = dsl.select(org.jooq.impl.DSL.sum(MESSAGE_COSTS.COST)).from(MESSAGE_COSTS)
                .where(MESSAGE_COSTS.TEAM_ID.eq(team)).fetchOne(0, BigDecimal.class);
        BigDecimal ledger = dsl.fetchOne("select sum((convert_from(payload, 'UTF8')::json->>'cost')::numeric) "
                + "from domainevententry where payloadtype = 'dev.tollgate.api.spend.SpendSettled' "
                + "and aggregateidentifier = ?", team).get(0, BigDecimal.class);
        assertThat(readSide).isEqualByComparingTo(budget);
        assertThat(ledger).isEqualByComparingTo(readSide);
        assertThat(new BigDecimal(budgetOf(kind, accountId).path("spent").asText())).isEqualByComparingTo(budget);
        assertThat(budgetOf(kind, accountId).path("remaining").asText()).isEqualTo("0");
    }
}
