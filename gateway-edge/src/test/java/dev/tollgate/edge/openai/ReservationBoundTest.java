package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reservation is an upper bound of what the provider can bill (issue 8, item 3): a provider that counts the
 * prompt as more tokens than Tollgate is covered by the provider's prompt margin, and a stream from an upstream that
 * ignores max_tokens is stopped at the output tokens the budget granted. (A whole answer that goes past its
 * reservation is charged and shown as an overrun: ledger/OverrunTest.)
 */
class ReservationBoundTest extends GatewayTestSupport {

    @Test
    void aStreamFromAnUpstreamThatIgnoresMaxTokensIsStoppedAtTheTokensGrantedAndChargedWithinItsReservation() {
        String team = newTeam("1", "1", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        Http.Response answer = http().post("/v1/chat/completions", key, Map.of("model", "gpt-overrun",
                "stream", true, "max_tokens", 10, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", "Write sixty words"))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // the upstream wrote 60 one-token chunks; the client got the 10 it was granted, then its usage and [DONE]
        assertThat(answer.body().split("\" word\"", -1)).hasSize(11);
        assertThat(answer.body()).contains("\"completion_tokens\":10").endsWith("data: [DONE]\n\n");
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(10);
        assertThat(new BigDecimal(row.path("cost").asText()))
                .isLessThanOrEqualTo(new BigDecimal(row.path("reserved").asText()));
        await().untilAsserted(() -> {
            assertThat(messageCost(answer.header("x-request-id")).path("overrun").asText()).isEqualTo("0");
            assertThat(budgetOf("users", user).path("overrun").asText()).isEqualTo("0");
        });
    }

    @Test
    void aProviderCountingTwoMorePromptTokensIsCoveredByItsMarginSoAClampedBudgetIsNeverOverspent() {
        String team = newTeam("1", "0.01", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        // 0.01 at 100 per million is 100 tokens: the first request is clamped to what is left after its prompt,
        // the next cannot have 16 output tokens any more
        List<Http.Response> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Http.Response answer = chat(key, "gpt-plus-two", Map.of());
            answers.add(answer);
            if (answer.status() == 429) {
                break;
            }
        }
        assertThat(answers.get(0).status()).as(answers.get(0).body()).isEqualTo(200);
        assertThat(answers.get(0).header("x-tollgate-max-tokens")).as("clamped").isNotNull();
        assertThat(answers.get(answers.size() - 1).status()).isEqualTo(429);

        BigDecimal charged = BigDecimal.ZERO;
        for (Http.Response answer : answers) {
            if (answer.status() != 200) {
                continue;
            }
            JsonNode row = messageCost(answer.header("x-request-id"));
            BigDecimal cost = new BigDecimal(row.path("cost").asText());
            // the provider billed its own (larger) prompt count, and the reservation still covered it
            assertThat(answer.json().path("usage").path("prompt_tokens").asLong()).isGreaterThan(2);
            assertThat(cost).isLessThanOrEqualTo(new BigDecimal(row.path("reserved").asText()));
            charged = charged.add(cost);
        }
        BigDecimal total = charged;
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", user);
            assertThat(new BigDecimal(budget.path("spent").asText())).isEqualByComparingTo(total)
                    .isLessThanOrEqualTo(new BigDecimal("0.01"));
            assertThat(budget.path("overrun").asText()).isEqualTo("0");
        });
    }
}
