package dev.tollgate.edge.membership;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member moves to another team over HTTP: their spend before stays with the old team to the nano-unit, a key of
 * theirs charges the new team from then on, and every step is in the audit trail. (Which keys follow them:
 * {@code sso.MovedMemberKeysTest}.)
 */
class MoveTest extends GatewayTestSupport {

    @Autowired
    MoveProcess moves;

    @Test
    void aMovedMembersSpendBeforeStaysWithTheOldTeamAndAfterGoesToTheNewExactly() {
        String from = newTeam(null, "1", "clamp");
        String to = newTeam(null, "2", "clamp");
        String user = newUser(from, null);
        http().put("/admin/users/" + user + "/tags", MASTER_KEY, Map.of("tags", List.of("course:a"), "reason", "x"));
        String key = newUserKey(user, List.of());
        BigDecimal before = BigDecimal.ZERO;
        for (int i = 0; i < 2; i++) {
            Http.Response answer = chat(key, "gpt-cheap", Map.of());
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            before = before.add(new BigDecimal(messageCost(answer.header("x-request-id")).path("cost").asText()));
        }
        assertThat(before).isPositive();

        Credential managerOfOne = newCredential("manager", List.of(from), null);
        Credential managerOfBoth = newCredential("manager", List.of(from, to), null);
        Map<String, Object> body = Map.of("to_team", to, "reason", "changed course");
        assertThat(http().post("/admin/users/" + user + "/move", managerOfOne.secret(), body).status())
                .as("a manager of the old team only").isEqualTo(403);
        assertThat(http().post("/admin/users/" + user + "/move", MASTER_KEY, Map.of("to_team", to)).status())
                .as("a reason is required").isEqualTo(400);
        assertThat(http().post("/admin/users/" + user + "/move", MASTER_KEY,
                Map.of("to_team", "no-such-team", "reason", "x")).status()).isEqualTo(404);
        Http.Response moved = http().post("/admin/users/" + user + "/move", managerOfBoth.secret(), body);
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().path("team_id").asText()).isEqualTo(to);
        assertThat(moved.json().path("tags").findValuesAsText("")).isEmpty();
        assertThat(moved.json().path("tags").get(0).asText()).as("tags follow").isEqualTo("course:a");
        assertThat(moved.json().path("live").path("team_id").asText()).isEqualTo(to);
        assertThat(moved.json().path("live").path("limit").asText()).as("the new team's member budget")
                .isEqualTo("2");
        assertThat(new BigDecimal(moved.json().path("live").path("spent").asText())).isZero();

        await().untilAsserted(() -> assertThat(http().get("/audit?entity=user:" + user, MASTER_KEY).json()
                .path("data").findValuesAsText("action"))
                .contains("user.move_started", "user.moved_in", "user.moved_out"));
        assertThat(chat(key, "gpt-cheap", Map.of()).status())
                .as("an admin issued their key in the old team: the move revoked it").isEqualTo(401);
        String newKey = newUserKey(user, List.of());
        Http.Response after = chat(newKey, "gpt-cheap", Map.of());
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        JsonNode cost = messageCost(after.header("x-request-id"));
        assertThat(cost.path("team_id").asText()).as("their key in the new team charges it").isEqualTo(to);
        BigDecimal spentAfter = new BigDecimal(cost.path("cost").asText());

        BigDecimal spentBefore = before;
        await().untilAsserted(() -> { // live budgets are a projection: they follow within moments
            assertThat(new BigDecimal(budgetOf("teams", from).path("spent").asText()))
                    .as("the old team keeps exactly what was spent there").isEqualByComparingTo(spentBefore);
            assertThat(new BigDecimal(budgetOf("teams", to).path("spent").asText()))
                    .isEqualByComparingTo(spentAfter);
            JsonNode userBudget = budgetOf("users", user);
            assertThat(userBudget.path("team_id").asText()).isEqualTo(to);
            assertThat(new BigDecimal(userBudget.path("spent").asText())).isEqualByComparingTo(spentAfter);
        });
        List<String> history = http().get("/spend/messages?user_id=" + user, MASTER_KEY).json().path("data")
                .findValuesAsText("team_id");
        assertThat(history).as("their history stays").containsExactlyInAnyOrder(from, from, to);
        JsonNode reconciliation = http().get("/reports/reconciliation?from=2000-01-01", MASTER_KEY).json();
        assertThat(reconciliation.path("matches").asBoolean()).as(reconciliation.toString()).isTrue();
    }

    /**
     * Moving out and back within one budget period never resets the member's budget in the team: they come back to
     * the account they left, their spend in the period still counted (the reviewer's p9: a move back opened a fresh
     * account, spent 0).
     */
    @Test
    void aMemberMovedOutAndBackWithinThePeriodGetsBackTheSpendTheyLeftWith() {
        String from = newTeam(null, "1", "reject");
        String to = newTeam(null, "1", "reject");
        String user = newUser(from, null);
        String key = newUserKey(user, List.of());
        BigDecimal spent = BigDecimal.ZERO;
        for (int i = 0; i < 2; i++) {
            Http.Response answer = chat(key, "gpt-cheap", Map.of());
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            spent = spent.add(new BigDecimal(messageCost(answer.header("x-request-id")).path("cost").asText()));
        }
        BigDecimal spentBefore = spent;
        assertThat(spentBefore).isPositive();
        await().untilAsserted(() -> assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText()))
                .isEqualByComparingTo(spentBefore));

        Http.Response away = http().post("/admin/users/" + user + "/move", MASTER_KEY,
                Map.of("to_team", to, "reason", "changed course"));
        assertThat(away.status()).as(away.body()).isEqualTo(200);
        await().untilAsserted(() -> assertThat(http().get("/audit?entity=user:" + user, MASTER_KEY).json()
                .path("data").findValuesAsText("action")).contains("user.moved_out"));
        Http.Response back = http().post("/admin/users/" + user + "/move", MASTER_KEY,
                Map.of("to_team", from, "reason", "changed back"));
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(back.json().path("team_id").asText()).isEqualTo(from);

        await().untilAsserted(() -> {
            JsonNode userBudget = budgetOf("users", user);
            assertThat(userBudget.path("team_id").asText()).isEqualTo(from);
            assertThat(new BigDecimal(userBudget.path("spent").asText()))
                    .as("what they spent in this period still counts").isEqualByComparingTo(spentBefore);
            assertThat(new BigDecimal(userBudget.path("remaining").asText()))
                    .isEqualByComparingTo(BigDecimal.ONE.subtract(spentBefore));
        });
    }

    @Test
    void aMoveTheNewTeamRefusesIsCancelledAndTheMemberStays() {
        String from = newTeam(null, "1", "clamp");
        String to = newTeam(null, "1", "clamp");
        String user = newUser(from, null);
        // someone in the new team already answers to the same external id
        Http.Response twin = http().post("/admin/users", MASTER_KEY, Map.of("id", unique("twin"), "team_id", to,
                "external_id", user));
        assertThat(twin.status()).as(twin.body()).isEqualTo(201);
        String moveId = moves.start(user, from, to, null, "admin", "try");
        await().untilAsserted(() -> assertThat(http().get("/audit?entity=user:" + user, MASTER_KEY).json()
                .path("data").findValuesAsText("action")).contains("user.move_cancelled"));
        assertThat(moveId).startsWith("move_");
        assertThat(http().get("/admin/users/" + user, MASTER_KEY).json().path("team_id").asText()).isEqualTo(from);
        String key = newUserKey(user, List.of());
        Http.Response answer = chat(key, "gpt-cheap", Map.of());
        assertThat(answer.status()).as("still a member of their team").isEqualTo(200);
        assertThat(messageCost(answer.header("x-request-id")).path("team_id").asText()).isEqualTo(from);
    }
}
