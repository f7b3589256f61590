package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A student leaves the course: their keys stop, nothing new is charged to them, their history stays. */
class MembershipTest extends GatewayTestSupport {

    @Test
    void removingAUserRevokesTheirKeysAndKeepsTheirHistory() {
        String team = newTeam(null, "1", "clamp");
        Credential manager = newCredential("manager", List.of(team), null);
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        String before = chat(key, "gpt-cheap", Map.of()).header("x-request-id");
        messageCost(before);

        assertThat(http().delete("/admin/users/" + user, manager.secret()).json().path("error").path("param")
                .asText()).isEqualTo("reason");
        Http.Response removed = http().delete("/admin/users/" + user + "?reason=left+the+course", manager.secret());
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(removed.json().path("removed_at").isNull()).isFalse();

        assertThat(chat(key, "gpt-cheap", Map.of()).status()).as("their key is revoked").isEqualTo(401);
        assertThat(http().get("/spend/messages?user_id=" + user, MASTER_KEY).json().path("data")
                .findValuesAsText("request_id")).containsExactly(before);
        await().untilAsserted(() -> { // the audit trail is a projection: it follows within moments
            List<String> actions = http().get("/audit?entity=user:" + user, MASTER_KEY).json().path("data")
                    .findValuesAsText("action");
            assertThat(actions).containsExactly("user.removed", "user.registered");
            JsonNode keyRevoked = http().get("/audit?action=key.revoked&actor=" + manager.id(), MASTER_KEY).json()
                    .path("data").path(0);
            assertThat(keyRevoked.path("reason").asText()).contains("left the course");
        });
        assertThat(http().delete("/admin/users/" + user + "?reason=again", manager.secret()).status())
                .as("removing again changes nothing").isEqualTo(200);
        assertThat(http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "name", "new")).status())
                .as("no new key for someone who left").isEqualTo(409);
    }

    @Test
    void aTeamKeyNamingARemovedStudentIsRefusedWith403() {
        String team = newTeam(null, "1", "clamp");
        String teamKey = newTeamKey(team);
        Http.Response first = chat(teamKey, "gpt-cheap", Map.of("user", "bob"));
        assertThat(first.status()).isEqualTo(200);
        String bob = team + ":bob";
        await().until(() -> http().get("/admin/users/" + bob, MASTER_KEY).status() == 200); // the directory follows
        assertThat(http().delete("/admin/users/" + bob + "?reason=left", MASTER_KEY).status()).isEqualTo(200);

        Http.Response refused = chat(teamKey, "gpt-cheap", Map.of("user", "bob"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("permission_denied");
        assertThat(refused.json().path("error").path("message").asText()).contains("was removed from team");
        assertThat(chat(teamKey, "gpt-cheap", Map.of("user", "carol")).status()).as("others go on").isEqualTo(200);
    }

    @Test
    void aRemovedUserLeavesTheirCohortsAndCanBeReadmitted() {
        String tag = "course:" + unique("c");
        String team = newTeam(null, "1", "clamp");
        String stays = newUser(team, null);
        String leaves = newUser(team, null);
        for (String user : List.of(stays, leaves)) {
            http().put("/admin/users/" + user + "/tags", MASTER_KEY, Map.of("tags", List.of(tag), "reason", "x"));
        }
        http().delete("/admin/users/" + leaves + "?reason=dropped", MASTER_KEY);
        Http.Response boost = http().post("/admin/boosts", MASTER_KEY, Map.of("target", "tag:" + tag, "amount", "1",
                "ends_at", Instant.now().plusSeconds(600).toString(), "reason", "project"));
        assertThat(boost.json().path("accounts").findValuesAsText("user_id")).containsExactly(stays);

        Http.Response again = http().post("/admin/users", MASTER_KEY, Map.of("id", leaves, "team_id", team));
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json().path("removed_at").isNull()).isTrue();
        assertThat(chat(newUserKey(leaves, List.of()), "gpt-cheap", Map.of()).status()).isEqualTo(200);
        assertThat(http().post("/admin/users", MASTER_KEY, Map.of("id", stays,
                "team_id", newTeam(null, null, "clamp"))).status()).as("ids stay unique across teams").isEqualTo(409);
    }

    /** Removing a member and registering them again within one budget period never resets their budget. */
    @Test
    void aRemovedMemberRegisteredAgainWithinThePeriodGetsBackTheirSpend() {
        String team = newTeam(null, "1", "reject");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        Http.Response answer = chat(key, "gpt-cheap", Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        java.math.BigDecimal spent = new java.math.BigDecimal(messageCost(answer.header("x-request-id"))
                .path("cost").asText());
        assertThat(spent).isPositive();
        await().untilAsserted(() -> assertThat(new java.math.BigDecimal(budgetOf("users", user).path("spent")
                .asText())).isEqualByComparingTo(spent));

        assertThat(http().delete("/admin/users/" + user + "?reason=left", MASTER_KEY).status()).isEqualTo(200);
        Http.Response again = http().post("/admin/users", MASTER_KEY, Map.of("id", user, "team_id", team,
                "name", "User " + user));
        assertThat(again.status()).as(again.body()).isEqualTo(201);

        await().untilAsserted(() -> {
            JsonNode userBudget = budgetOf("users", user);
            assertThat(new java.math.BigDecimal(userBudget.path("spent").asText()))
                    .as("what they spent in this period still counts").isEqualByComparingTo(spent);
            assertThat(new java.math.BigDecimal(userBudget.path("remaining").asText()))
                    .isEqualByComparingTo(java.math.BigDecimal.ONE.subtract(spent));
        });
    }
}
