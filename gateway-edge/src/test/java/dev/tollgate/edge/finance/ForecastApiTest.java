package dev.tollgate.edge.finance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every budget view carries its forecast; the spend report shows each team's on request. */
class ForecastApiTest extends GatewayTestSupport {

    @Test
    void budgetsAndTheSpendReportShowBurnRateAndRunOut() {
        String teamId = newTeam("0.05", "1", "clamp"); // at a week's pace of one request: months, not centuries
        String userId = newUser(teamId, null);
        String key = newUserKey(userId, List.of("gpt-test"));
        Http.Response answer = chat(key, "gpt-test", Map.of("max_tokens", 1000));
        assertThat(answer.status()).isEqualTo(200);
        messageCost(answer.header("x-request-id"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode forecast = budgetOf("teams", teamId).path("forecast");
            assertThat(new BigDecimal(forecast.path("burn_rate").asText("0"))).isPositive();
        });
        JsonNode team = budgetOf("teams", teamId).path("forecast");
        assertThat(team.path("projected_run_out").isTextual()).isTrue();
        assertThat(team.path("runs_out_before_period_end").isBoolean()).isTrue();
        assertThat(new BigDecimal(team.path("projected_period_spend").asText())).isPositive();
        assertThat(budgetOf("users", userId).path("forecast").path("burn_rate").isTextual()).isTrue();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode rows = http().get("/reports/spend?group_by=team&team_id=" + teamId + "&forecast=true",
                    MASTER_KEY).json().path("data");
            assertThat(rows).hasSize(1);
            assertThat(new BigDecimal(rows.get(0).path("forecast").path("burn_rate").asText("0"))).isPositive();
        });
        Http.Response csv = http().get("/reports/spend?group_by=team&team_id=" + teamId
                + "&forecast=true&format=csv", MASTER_KEY);
        assertThat(csv.body().lines().findFirst().orElseThrow()).contains("forecast_burn_rate", "forecast_run_out");
        assertThat(http().get("/reports/spend?group_by=model&forecast=true", MASTER_KEY).status()).isEqualTo(400);
    }
}
