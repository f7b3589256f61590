package dev.tollgate.edge.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.FakeUpstream;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An upstream that ignores max_tokens bills more than the reservation covered. The request is charged what it
 * cost, and the excess is never hidden in a total: the message, the budgets and the reports show it as overrun.
 */
class OverrunTest extends GatewayTestSupport {

    @Test
    void aCostAboveTheReservationIsChargedAndShownAsOverrunInMessagesBudgetsAndReports() {
        String team = newTeam("1", "0.0001", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        Http.Response answer = chat(key, "gpt-overrun", Map.of("max_tokens", 10));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("usage").path("completion_tokens").asLong())
                .isEqualTo(10 + FakeUpstream.OVER_MAX_TOKENS);

        JsonNode message = messageCost(answer.header("x-request-id"));
        BigDecimal cost = new BigDecimal(message.path("cost").asText());
        BigDecimal reserved = new BigDecimal(message.path("reserved").asText());
        BigDecimal overrun = cost.subtract(reserved);
        assertThat(cost).as("charged what the upstream billed").isEqualByComparingTo(answer.header("x-tollgate-cost"));
        assertThat(overrun).as("more than was reserved").isPositive();
        await().untilAsserted(() -> assertThat(new BigDecimal(messageCost(answer.header("x-request-id"))
                .path("overrun").asText())).isEqualByComparingTo(overrun));

        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", user);
            assertThat(new BigDecimal(budget.path("spent").asText())).isEqualByComparingTo(cost);
            assertThat(new BigDecimal(budget.path("overrun").asText())).isEqualByComparingTo(overrun);
            assertThat(new BigDecimal(budget.path("remaining").asText()))
                    .as("the member budget of 0.0001 is overspent, visibly").isNegative();
            assertThat(new BigDecimal(budgetOf("teams", team).path("overrun").asText()))
                    .isEqualByComparingTo(overrun);
        });

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        await().untilAsserted(() -> {
            JsonNode report = http().get("/reports/spend?group_by=user&team_id=" + team + "&from=" + today,
                    MASTER_KEY).json();
            assertThat(report.path("data")).hasSize(1);
            assertThat(new BigDecimal(report.path("data").get(0).path("overrun").asText()))
                    .isEqualByComparingTo(overrun);
            assertThat(new BigDecimal(report.path("totals").path("overrun").asText())).isEqualByComparingTo(overrun);
        });

        Http.Response next = chat(key, "gpt-overrun", Map.of("max_tokens", 10));
        assertThat(next.status()).as("an overspent budget refuses the next request").isEqualTo(429);
    }

    @Test
    void aCostWithinTheReservationShowsNoOverrun() {
        String team = newTeam("1", "1", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        Http.Response answer = chat(key, "gpt-output-priced", Map.of("max_tokens", 10));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);

        JsonNode message = messageCost(answer.header("x-request-id"));
        assertThat(new BigDecimal(message.path("cost").asText()))
                .isLessThanOrEqualTo(new BigDecimal(message.path("reserved").asText()));
        assertThat(message.path("overrun").asText()).isEqualTo("0");
        await().untilAsserted(() -> assertThat(budgetOf("users", user).path("overrun").asText()).isEqualTo("0"));
    }
}
