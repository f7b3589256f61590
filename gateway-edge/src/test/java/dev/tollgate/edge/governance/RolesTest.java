package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The roles: admin (everything), manager (their teams, within a cap; reads only their teams), finance (reads
 * everything, changes nothing), user (their own spend with their own key). Every refusal is a 403 that says why.
 */
class RolesTest extends GatewayTestSupport {

    String teamA;
    String teamB;
    String userA;
    String userB;
    Credential manager;
    Credential finance;

    @BeforeEach
    void aUniversity() {
        teamA = newTeam("100", "5", "clamp");
        teamB = newTeam("100", "5", "clamp");
        userA = newUser(teamA, null);
        userB = newUser(teamB, null);
        manager = newCredential("manager", List.of(teamA), "20");
        finance = newCredential("finance", null, null);
    }

    static void assertForbidden(Http.Response response, String because) {
        assertThat(response.status()).as(response.body()).isEqualTo(403);
        JsonNode error = response.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("permission_denied");
        assertThat(error.path("message").asText()).contains(because);
    }

    @Test
    void aManagerIsGivenOnlyTeamsThatExist() {
        String team = newTeam(null, null, "clamp");
        String missing = unique("team");
        Http.Response refused = http().post("/admin/credentials", MASTER_KEY, Map.of("name", "course office",
                "role", "manager", "teams", List.of(team, missing), "reason", "typo"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("error").path("param").asText()).isEqualTo("teams");
        assertThat(refused.json().path("error").path("message").asText()).contains(missing);

        Credential manager = newCredential("manager", List.of(team), null);
        Http.Response unchanged = http().put("/admin/credentials/" + manager.id(), MASTER_KEY, Map.of("role",
                "manager", "teams", List.of(missing), "reason", "typo"));
        assertThat(unchanged.status()).as(unchanged.body()).isEqualTo(400);
        assertThat(http().get("/admin/whoami", manager.secret()).json().path("teams"))
                .extracting(JsonNode::asText).containsExactly(team);
    }

    @Test
    void aManagerLooksAfterTheirTeamWithinTheirCap() {
        Http.Response member = http().post("/admin/users", manager.secret(), Map.of("team_id", teamA,
                "id", unique("student")));
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        Http.Response budget = http().put("/admin/teams/" + teamA + "/budget", manager.secret(),
                Map.of("limit", "20", "period", "monthly", "reason", "more students"));
        assertThat(budget.status()).as(budget.body()).isEqualTo(200);
        Http.Response key = http().post("/admin/keys", manager.secret(), Map.of("user_id", userA));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        Http.Response boost = http().post("/admin/boosts", manager.secret(), Map.of("target", "user:" + userA,
                "amount", "5", "ends_at", Instant.now().plusSeconds(3600).toString(), "reason", "project"));
        assertThat(boost.status()).as(boost.body()).isEqualTo(201);

        assertForbidden(http().put("/admin/teams/" + teamA + "/budget", manager.secret(),
                Map.of("limit", "20.01", "period", "monthly", "reason", "x")), "cap is 20");
        assertForbidden(http().put("/admin/teams/" + teamA + "/budget", manager.secret(),
                Map.of("unlimited", true, "period", "monthly", "reason", "x")), "unlimited");
        assertForbidden(http().post("/admin/boosts", manager.secret(), Map.of("target", "team:" + teamA,
                "amount", "50", "ends_at", Instant.now().plusSeconds(60).toString(), "reason", "x")), "cap is 20");
    }

    @Test
    void aManagerCannotTouchAnotherTeam() {
        assertForbidden(http().post("/admin/users", manager.secret(), Map.of("team_id", teamB)), "not team '" + teamB);
        assertForbidden(http().put("/admin/teams/" + teamB + "/budget", manager.secret(),
                Map.of("limit", "1", "period", "monthly", "reason", "x")), "not team '" + teamB);
        assertForbidden(http().put("/admin/users/" + userB + "/budget", manager.secret(),
                Map.of("limit", "1", "period", "monthly", "reason", "x")), teamB);
        assertForbidden(http().post("/admin/keys", manager.secret(), Map.of("user_id", userB)), teamB);
        String keyB = issue(Map.of("user_id", userB, "budget", Map.of("limit", "1", "period", "daily"))).path("id").asText();
        assertForbidden(http().delete("/admin/keys/" + keyB, manager.secret()), teamB);
        assertForbidden(http().post("/admin/keys/" + keyB + "/rotate", manager.secret(), Map.of()), teamB);
        assertForbidden(http().put("/admin/keys/" + keyB + "/budget", manager.secret(), Map.of("limit", "1",
                "period", "daily", "reason", "x")), teamB);
        String boostB = http().post("/admin/boosts", MASTER_KEY, Map.of("target", "team:" + teamB, "amount", "1",
                "ends_at", Instant.now().plusSeconds(60).toString(), "reason", "x")).json().path("id").asText();
        assertForbidden(http().delete("/admin/boosts/" + boostB + "?reason=x", manager.secret()), teamB);
        org.awaitility.Awaitility.await().until(() -> http().get("/admin/boosts/" + boostB, MASTER_KEY).status() == 200);
        assertForbidden(http().get("/admin/boosts/" + boostB, manager.secret()), "outside your scope");
        // the key's budget is a read model: once an admin sees it, the manager is refused it for its team (before,
        // the answer is a 404 for everyone, which tells nothing either)
        org.awaitility.Awaitility.await().until(() -> http().get("/budgets/keys/" + keyB, MASTER_KEY).status() == 200);
        assertForbidden(http().get("/budgets/keys/" + keyB, manager.secret()), "outside your scope");
        assertThat(http().get("/admin/boosts", manager.secret()).json().path("data"))
                .extracting(b -> b.path("team_id").asText()).doesNotContain(teamB);
        assertThat(http().get("/admin/keys", manager.secret()).json().path("data"))
                .extracting(k -> k.path("team_id").asText()).doesNotContain(teamB);
        assertForbidden(http().post("/admin/boosts", manager.secret(), Map.of("target", "users",
                "user_ids", List.of(userA, userB), "amount", "1", "ends_at", Instant.now().plusSeconds(60).toString(),
                "reason", "x")), teamB);
        assertForbidden(http().post("/admin/teams", manager.secret(), Map.of("id", unique("t"))), "Only an admin");
        assertForbidden(http().post("/admin/credentials", manager.secret(), Map.of("role", "admin")), "Only an admin");
        assertForbidden(http().put("/admin/prices", manager.secret(), Map.of("prices", Map.of("gpt-test",
                Map.of("input", 1, "output", 1)), "reason", "x")), "Only an admin");
    }

    @Test
    void aManagerReadsOnlyTheirTeams() {
        String keyA = newUserKey(userA, List.of());
        String keyB = newUserKey(userB, List.of());
        String requestA = chat(keyA, "gpt-test", Map.of()).header("x-request-id");
        String requestB = chat(keyB, "gpt-test", Map.of()).header("x-request-id");
        messageCost(requestA);
        messageCost(requestB);

        JsonNode teams = http().get("/admin/teams", manager.secret()).json().path("data");
        assertThat(teams).extracting(t -> t.path("id").asText()).containsExactly(teamA);
        JsonNode spend = http().get("/spend/messages?limit=1000", manager.secret()).json().path("data");
        assertThat(spend).extracting(m -> m.path("team_id").asText()).containsOnly(teamA);
        assertThat(spend).extracting(m -> m.path("request_id").asText()).contains(requestA).doesNotContain(requestB);
        assertThat(http().get("/admin/users", manager.secret()).json().path("data"))
                .extracting(u -> u.path("team_id").asText()).containsOnly(teamA);
        JsonNode audit = http().get("/audit?limit=1000", manager.secret()).json().path("data");
        assertThat(audit).extracting(a -> a.path("team_id").asText()).containsOnly(teamA);

        assertForbidden(http().get("/admin/teams/" + teamB, manager.secret()), "outside your scope");
        assertForbidden(http().get("/admin/users/" + userB, manager.secret()), "outside your scope");
        assertForbidden(http().get("/budgets/teams/" + teamB, manager.secret()), "outside your scope");
        assertForbidden(http().get("/budgets/users/" + userB, manager.secret()), "outside your scope");
        assertForbidden(http().get("/spend/messages/" + requestB, manager.secret()), "outside your scope");
        assertForbidden(http().get("/admin/users?team_id=" + teamB, manager.secret()), "outside your scope");
        assertForbidden(http().get("/admin/credentials", manager.secret()), "admins and finance");
    }

    @Test
    void financeReadsEverythingAndChangesNothing() {
        for (String path : List.of("/admin/teams", "/admin/teams/" + teamB, "/admin/users/" + userB,
                "/spend/messages", "/budgets/teams/" + teamA, "/audit", "/admin/credentials", "/admin/prices",
                "/admin/boosts")) {
            assertThat(http().get(path, finance.secret()).status()).as(path).isEqualTo(200);
        }
        assertForbidden(http().post("/admin/users", finance.secret(), Map.of("team_id", teamA)),
                "changes nothing");
        assertForbidden(http().put("/admin/teams/" + teamA + "/budget", finance.secret(),
                Map.of("limit", "1", "period", "monthly", "reason", "x")), "changes nothing");
        assertForbidden(http().delete("/admin/keys/whatever", finance.secret()), "changes nothing");
        assertForbidden(http().post("/admin/boosts", finance.secret(), Map.of("target", "team:" + teamA)),
                "changes nothing");
    }

    @Test
    void aUserReadsTheirOwnSpendWithTheirOwnKeyAndNothingElse() {
        String keyA = newUserKey(userA, List.of());
        String mine = chat(keyA, "gpt-test", Map.of()).header("x-request-id");
        chat(newUserKey(userB, List.of()), "gpt-test", Map.of());
        messageCost(mine);

        Http.Response me = http().get("/spend/me", keyA);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().path("user_id").asText()).isEqualTo(userA);
        assertThat(me.json().path("budget").path("limit").asText()).isEqualTo("5");
        assertThat(me.json().path("messages").path("data")).extracting(m -> m.path("user_id").asText())
                .containsOnly(userA);

        assertForbidden(http().get("/admin/teams", keyA), "own spend");
        assertForbidden(http().get("/spend/messages", keyA), "own spend");
        assertForbidden(http().get("/spend/me", newTeamKey(teamA)), "user's own API key");
        assertForbidden(http().get("/spend/me", MASTER_KEY), "user's own API key");
    }

    @Test
    void anAdminCredentialDoesWhatTheMasterKeyDoesAndIsRecordedAsItself() {
        Credential admin = newCredential("admin", null, null);
        String team = unique("team");
        Http.Response created = http().post("/admin/teams", admin.secret(), Map.of("id", team, "reason", "new"));
        assertThat(created.status()).isEqualTo(201);
        org.awaitility.Awaitility.await().untilAsserted(() -> {
            JsonNode entries = http().get("/audit?entity=team:" + team, MASTER_KEY).json().path("data");
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).path("actor").asText()).isEqualTo(admin.id());
            assertThat(entries.get(0).path("action").asText()).isEqualTo("team.created");
        });
    }

    @Test
    void aRevokedCredentialStopsWorkingAndAChangedScopeTakesEffect() {
        Credential other = newCredential("manager", List.of(teamA), null);
        assertThat(http().get("/admin/teams/" + teamA, other.secret()).status()).isEqualTo(200);

        Http.Response changed = http().put("/admin/credentials/" + other.id(), MASTER_KEY, Map.of("role", "manager",
                "teams", List.of(teamB), "reason", "moved to another department"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertForbidden(http().get("/admin/teams/" + teamA, other.secret()), "outside your scope");

        assertThat(http().delete("/admin/credentials/" + other.id() + "?reason=left", MASTER_KEY).status())
                .isEqualTo(200);
        assertThat(http().get("/admin/teams/" + teamB, other.secret()).status()).isEqualTo(401);
    }
}
