package dev.tollgate.edge.finance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.query.support.Csv;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Finance's reports: spend grouped any way they need, as JSON or a CSV a spreadsheet opens, and statements. */
class ReportsTest extends GatewayTestSupport {

    @Test
    void spendIsGroupedByModelDayAndTagFromTheRollupsAndMatchesThePerMessageCosts() {
        String course = unique("cs");
        String team = newTeam(null, "1", "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        BigDecimal cheap = BigDecimal.ZERO;
        for (int i = 0; i < 2; i++) {
            Http.Response answer = chat(key, "gpt-cheap", Map.of("metadata", Map.of("course", course)));
            cheap = cheap.add(new BigDecimal(answer.header("x-tollgate-cost")));
        }
        Http.Response other = chat(key, "gpt-test", Map.of());
        BigDecimal test = new BigDecimal(other.header("x-tollgate-cost"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        String byModel = "/reports/spend?group_by=model&team_id=" + team + "&from=" + today;
        await().until(() -> http().get(byModel, MASTER_KEY).json().path("totals").path("requests").asLong() == 3);
        JsonNode report = http().get(byModel, MASTER_KEY).json();
        assertThat(report.path("source").asText()).isEqualTo("team_rollup");
        assertThat(report.path("data").findValuesAsText("model")).containsExactly("gpt-cheap", "gpt-test");
        assertThat(new BigDecimal(report.path("data").get(0).path("cost").asText())).isEqualByComparingTo(cheap);
        assertThat(report.path("data").get(0).path("requests").asLong()).isEqualTo(2);
        assertThat(new BigDecimal(report.path("totals").path("cost").asText()))
                .isEqualByComparingTo(cheap.add(test));

        JsonNode byDay = http().get("/reports/spend?group_by=day,team&team_id=" + team, MASTER_KEY).json();
        assertThat(byDay.path("data").findValuesAsText("day")).containsExactly(today);
        assertThat(byDay.path("data").get(0).path("team_id").asText()).isEqualTo(team);
        assertThat(byDay.path("data").get(0).has("month")).isFalse();

        JsonNode byTag = http().get("/reports/spend?group_by=tag:course&team_id=" + team, MASTER_KEY).json();
        assertThat(byTag.path("source").asText()).isEqualTo("tag_rollup");
        assertThat(byTag.path("data").findValuesAsText("tag")).containsExactly("course=" + course);
        assertThat(byTag.path("data").get(0).path("requests").asLong()).isEqualTo(2);

        BigDecimal cheapCost = cheap;
        String anHourAgo = Instant.now().minusSeconds(3600).toString();
        await().untilAsserted(() -> { // message_costs is another projection than the rollups: it may lag a moment
            JsonNode tagged = http().get("/reports/spend?group_by=user&tag=course=" + course, MASTER_KEY).json();
            assertThat(tagged.path("source").asText()).as("users by tag: from the messages").isEqualTo("messages");
            assertThat(new BigDecimal(tagged.path("totals").path("cost").asText())).isEqualByComparingTo(cheapCost);
            JsonNode partialDay = http().get("/reports/spend?group_by=model&team_id=" + team + "&from=" + anHourAgo,
                    MASTER_KEY).json();
            assertThat(partialDay.path("source").asText()).as("not whole days: from the messages")
                    .isEqualTo("messages");
            assertThat(partialDay.path("data")).isEqualTo(report.path("data"));
        });
    }

    @Test
    void csvHasAHeaderPlainDecimalsAndOneLinePerGroup() {
        String team = newTeam(null, "1", "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        messageCost(chat(key, "gpt-cheap", Map.of()).header("x-request-id"));
        String path = "/reports/spend?group_by=month,team,model&format=csv&team_id=" + team;
        await().until(() -> http().get(path, MASTER_KEY).body().lines().count() == 2);

        Http.Response csv = http().get(path, MASTER_KEY);
        assertThat(csv.header("content-type")).startsWith("text/csv");
        assertThat(csv.header("content-disposition")).contains("attachment").contains(".csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("month,team_id,model,requests,prompt_tokens,completion_tokens,cost,"
                + "adjustments,net_cost,overrun");
        String[] fields = lines.get(1).split(",");
        assertThat(fields[0]).isEqualTo(YearMonth.now(ZoneOffset.UTC).toString());
        assertThat(fields[1]).isEqualTo(team);
        assertThat(fields[6]).matches("\\d+\\.\\d+").doesNotContain("E");
        assertThat(csv.body()).contains("\r\n");
    }

    @Test
    void csvCellsASpreadsheetWouldEvaluateStayTextAndNegativeAmountsStayNumbers() {
        String team = newTeam(null, "1", "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        // a student names their own tags: a leading minus starts a formula as surely as =
        messageCost(chat(key, "gpt-cheap", Map.of("metadata", Map.of("-1+SUM(A1)", "x")))
                .header("x-request-id"));
        String path = "/reports/spend?group_by=tag&format=csv&team_id=" + team;
        await().until(() -> http().get(path, MASTER_KEY).body().contains("SUM"));

        List<String> cells = http().get(path, MASTER_KEY).body().lines().skip(1).map(line -> line.split(",")[0])
                .toList();
        assertThat(cells).contains("'-1+SUM(A1)=x");
        assertThat(new Csv().row(List.of("-1.25", "-3", "-", "-x", "\tA1")).toString())
                .isEqualTo("-1.25,-3,'-,'-x,'\tA1\r\n");
    }

    @Test
    void aMonthlyStatementListsUsersBoostsAndTotals() {
        String team = newTeam("10", "1", "clamp");
        String alice = newUser(team, null);
        String bob = newUser(team, null);
        messageCost(chat(newUserKey(alice, List.of()), "gpt-cheap", Map.of()).header("x-request-id"));
        messageCost(chat(newUserKey(bob, List.of()), "gpt-cheap", Map.of()).header("x-request-id"));
        http().post("/admin/boosts", MASTER_KEY, Map.of("target", "team:" + team, "amount", "5",
                "ends_at", Instant.now().plusSeconds(3600).toString(), "reason", "exam week"));
        String month = YearMonth.now(ZoneOffset.UTC).toString();

        await().untilAsserted(() -> {
            JsonNode statement = http().get("/reports/statements/" + team + "?month=" + month, MASTER_KEY).json();
            assertThat(statement.path("users").findValuesAsText("user_id")).containsExactlyInAnyOrder(alice, bob);
            assertThat(statement.path("totals").path("requests").asLong()).isEqualTo(2);
            assertThat(statement.path("boosts").findValuesAsText("reason")).containsExactly("exam week");
            assertThat(statement.path("budget").path("limit").asText()).isEqualTo("10");
            assertThat(statement.path("models").findValuesAsText("model")).containsExactly("gpt-cheap");
        });
        Http.Response csv = http().get("/reports/statements/" + team + "?month=" + month + "&format=csv",
                MASTER_KEY);
        assertThat(csv.body().lines().toList()).hasSize(4).last().asString().contains(",TOTAL,2,");
    }

    @Test
    void aManagerReportsOnTheirTeamsOnlyAndBadQueriesAreRefused() {
        String mine = newTeam(null, "1", "clamp");
        String theirs = newTeam(null, "1", "clamp");
        messageCost(chat(newUserKey(newUser(mine, null), List.of()), "gpt-cheap", Map.of()).header("x-request-id"));
        messageCost(chat(newUserKey(newUser(theirs, null), List.of()), "gpt-cheap", Map.of())
                .header("x-request-id"));
        Credential manager = newCredential("manager", List.of(mine), null);

        await().untilAsserted(() -> assertThat(http().get("/reports/spend?group_by=team", manager.secret()).json()
                .path("data").findValuesAsText("team_id")).containsExactly(mine));
        assertThat(http().get("/reports/statements/" + theirs, manager.secret()).status()).isEqualTo(403);
        assertThat(http().get("/reports/spend", newUserKey(newUser(mine, null), List.of())).status())
                .as("an API key reads its own spend only").isEqualTo(403);

        Http.Response badGroup = http().get("/reports/spend?group_by=colour", MASTER_KEY);
        assertThat(badGroup.status()).isEqualTo(400);
        assertThat(badGroup.json().path("error").path("message").asText()).contains("colour");
        assertThat(http().get("/reports/spend?format=xml", MASTER_KEY).status()).isEqualTo(400);
        assertThat(http().get("/reports/spend?from=2026-12-01&to=2026-11-01", MASTER_KEY).status()).isEqualTo(400);
        assertThat(http().get("/reports/statements/" + mine + "?month=November", MASTER_KEY).status())
                .isEqualTo(400);
        assertThat(http().get("/reports/spend", null).status()).isEqualTo(401);
    }
}
