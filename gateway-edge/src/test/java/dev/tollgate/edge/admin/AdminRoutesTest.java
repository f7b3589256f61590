package dev.tollgate.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin, spend and budget routes: master key only, validated input, and answers that show the new state. */
class AdminRoutesTest extends GatewayTestSupport {

    @Test
    void adminSpendAndBudgetRoutesNeedACredentialAndRefuseAnApiKey() {
        String team = newTeam(null, null, "clamp");
        String userKey = newUserKey(newUser(team, null), List.of());
        for (String path : List.of("/admin/teams", "/spend/messages", "/budgets/teams/" + team, "/audit")) {
            Http.Response anonymous = http().get(path, null);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.json().path("error").path("code").asText()).isEqualTo("invalid_api_key");
            assertThat(http().get(path, "tg-not-a-key").status()).as(path).isEqualTo(401);
            Http.Response apiKey = http().get(path, userKey);
            assertThat(apiKey.status()).as(path).isEqualTo(403);
            assertThat(apiKey.json().path("error").path("code").asText()).isEqualTo("permission_denied");
            assertThat(http().get(path, MASTER_KEY).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void createsATeamAndAUserAndShowsTheirBudgetsAsDecimalStrings() {
        String team = unique("team");
        Http.Response created = http().post("/admin/teams", MASTER_KEY, Map.of("id", team, "name", "Physics",
                "budget", budget("1500.50", "monthly"), "member_budget", budget("12.25", "weekly"),
                "reason", "new semester"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.path("budget").path("limit").asText()).isEqualTo("1500.5");
        assertThat(body.path("member_budget").path("period").asText()).isEqualTo("weekly");
        assertThat(body.path("over_budget_policy").asText()).isEqualTo("clamp");
        assertThat(body.path("live").path("remaining").asText()).isEqualTo("1500.5");
        assertThat(Instant.parse(body.path("live").path("period_end").asText())).isAfter(Instant.now());

        Http.Response user = http().post("/admin/users", MASTER_KEY, Map.of("id", "carol-" + team, "team_id", team,
                "external_id", "carol@uni.example"));
        assertThat(user.status()).isEqualTo(201);
        assertThat(user.json().path("live").path("limit").asText()).isEqualTo("12.25");
        assertThat(user.json().path("live").path("period").asText()).isEqualTo("weekly");

        Http.Response own = http().put("/admin/users/carol-" + team + "/budget", MASTER_KEY,
                Map.of("limit", "40", "period", "monthly", "reason", "thesis"));
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.json().path("budget").path("limit").asText()).isEqualTo("40");
        assertThat(budgetOf("users", "carol-" + team).path("limit").asText()).isEqualTo("40");

        Http.Response back = http().put("/admin/users/carol-" + team + "/budget", MASTER_KEY,
                Map.of("use_team_default", true, "reason", "thesis done"));
        assertThat(back.json().path("budget").isNull()).isTrue();
        assertThat(budgetOf("users", "carol-" + team).path("limit").asText()).isEqualTo("12.25");

        assertThat(http().get("/admin/users?team_id=" + team, MASTER_KEY).json().path("data")).hasSize(1);
        assertThat(http().get("/admin/teams/" + team, MASTER_KEY).json().path("members").asInt()).isEqualTo(1);
    }

    @Test
    void changingATeamBudgetNeedsAReasonAndChangesTheLiveBudget() {
        String team = newTeam("10", "1", "clamp");

        Http.Response noReason = http().put("/admin/teams/" + team + "/budget", MASTER_KEY,
                Map.of("limit", "20", "period", "monthly"));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().path("error").path("param").asText()).isEqualTo("reason");

        Http.Response changed = http().put("/admin/teams/" + team + "/budget", MASTER_KEY,
                Map.of("limit", "20", "period", "daily", "over_budget_policy", "reject", "reason", "more students"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("budget").path("limit").asText()).isEqualTo("20");
        assertThat(changed.json().path("over_budget_policy").asText()).isEqualTo("reject");
        assertThat(budgetOf("teams", team).path("period").asText()).isEqualTo("daily");
    }

    @Test
    void aBudgetIsNeverUnlimitedByOmission() {
        String team = newTeam("10", "1", "clamp");

        Http.Response onlyReason = http().put("/admin/teams/" + team + "/budget", MASTER_KEY, Map.of("reason", "x"));
        assertThat(onlyReason.status()).isEqualTo(400);
        assertThat(onlyReason.json().path("error").path("message").asText()).contains("limit");
        assertThat(budgetOf("teams", team).path("limit").asText()).isEqualTo("10");

        Http.Response noPeriod = http().put("/admin/teams/" + team + "/budget", MASTER_KEY,
                Map.of("limit", "20", "reason", "x"));
        assertThat(noPeriod.status()).isEqualTo(400);

        Http.Response unlimited = http().put("/admin/teams/" + team + "/budget", MASTER_KEY,
                Map.of("unlimited", true, "period", "monthly", "reason", "grant funded"));
        assertThat(unlimited.status()).as(unlimited.body()).isEqualTo(200);
        assertThat(budgetOf("teams", team).path("limit").isNull()).isTrue();
        assertThat(budgetOf("teams", team).path("remaining").isNull()).isTrue();
    }

    @Test
    void aUserIdIsUniqueAcrossTeams() {
        String first = newTeam(null, null, "clamp");
        String second = newTeam(null, null, "clamp");
        String user = newUser(first, null);

        Http.Response again = http().post("/admin/users", MASTER_KEY, Map.of("id", user, "team_id", second));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("error").path("message").asText()).contains(first);
        assertThat(http().get("/admin/users?team_id=" + second, MASTER_KEY).json().path("data")).isEmpty();
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        String team = newTeam(null, null, "clamp");

        Http.Response badAmount = http().post("/admin/teams", MASTER_KEY, Map.of("budget", budget("ten", "monthly")));
        assertThat(badAmount.status()).isEqualTo(400);
        assertThat(badAmount.json().path("error").path("message").asText()).contains("is not an amount");

        Http.Response badPeriod = http().post("/admin/teams", MASTER_KEY, Map.of("budget", budget("1", "hourly")));
        assertThat(badPeriod.status()).isEqualTo(400);
        assertThat(badPeriod.json().path("error").path("message").asText()).contains("hourly");

        Http.Response tooPrecise = http().post("/admin/teams", MASTER_KEY,
                Map.of("budget", budget("0.0000000001", "monthly")));
        assertThat(tooPrecise.status()).isEqualTo(400);

        Http.Response duplicate = http().post("/admin/teams", MASTER_KEY, Map.of("id", team));
        assertThat(duplicate.status()).isEqualTo(409);

        Http.Response noTeam = http().post("/admin/users", MASTER_KEY, Map.of("team_id", "no-such-team"));
        assertThat(noTeam.status()).isEqualTo(404);

        Http.Response notJson = http().post("/admin/teams", MASTER_KEY, "{nope");
        assertThat(notJson.status()).isEqualTo(400);

        Http.Response unknownModel = http().post("/admin/keys", MASTER_KEY, Map.of("team_id", team,
                "allowed_models", List.of("gpt-9")));
        assertThat(unknownModel.status()).isEqualTo(400);

        assertThat(http().get("/spend/messages?from=yesterday", MASTER_KEY).status()).isEqualTo(400);
        assertThat(http().get("/spend/messages/req_nothing", MASTER_KEY).status()).isEqualTo(404);
        assertThat(http().get("/budgets/users/nobody", MASTER_KEY).status()).isEqualTo(404);
    }

    @Test
    void aUsersKeyIsNotIssuedForAnotherTeam() {
        String team = newTeam(null, null, "clamp");
        String other = newTeam(null, null, "clamp");
        String user = newUser(team, null);
        Http.Response refused = http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "team_id", other));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("error").path("param").asText()).isEqualTo("team_id");
        assertThat(http().get("/admin/keys?user_id=" + user, MASTER_KEY).json().path("data")).isEmpty();
        Http.Response issued = http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "team_id", team));
        assertThat(issued.status()).as("their own team named: " + issued.body()).isEqualTo(201);
        assertThat(issued.json().path("team_id").asText()).isEqualTo(team);
    }

    @Test
    void aKeySecretIsShownOnceAndNeverStored() {
        String team = newTeam(null, null, "clamp");
        JsonNode issued = issue(Map.of("name", "lab", "team_id", team));
        String secret = issued.path("key").asText();
        assertThat(secret).startsWith("tg-").hasSize(43);

        JsonNode listed = http().get("/admin/keys/" + issued.path("id").asText(), MASTER_KEY).json();
        assertThat(listed.toString()).doesNotContain(secret);
        assertThat(listed.path("display_prefix").asText()).isEqualTo(secret.substring(0, 10));
        Integer rows = dsl.fetchOne("select count(*) from domainevententry where convert_from(payload, 'UTF8') like ?",
                "%" + secret + "%").get(0, Integer.class);
        assertThat(rows).as("the secret is in no event").isZero();
        Integer keyRows = dsl.fetchOne("select count(*) from api_keys where secret_hash = ? or display_prefix = ?",
                secret, secret).get(0, Integer.class);
        assertThat(keyRows).isZero();
    }

    @Test
    void spendMessagesPageNewestFirstWithACursor() {
        String team = newTeam(null, null, "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        for (int i = 0; i < 5; i++) {
            assertThat(http().post("/v1/chat/completions", key, Map.of("model", "mock-model",
                    "messages", List.of(Map.of("role", "user", "content", "n" + i)))).status()).isEqualTo(200);
        }
        org.awaitility.Awaitility.await().until(() ->
                http().get("/spend/messages?team_id=" + team, MASTER_KEY).json().path("data").size() == 5);

        JsonNode first = http().get("/spend/messages?team_id=" + team + "&limit=3", MASTER_KEY).json();
        assertThat(first.path("data")).hasSize(3);
        assertThat(first.path("has_more").asBoolean()).isTrue();
        JsonNode second = http().get("/spend/messages?team_id=" + team + "&limit=3&cursor="
                + java.net.URLEncoder.encode(first.path("next_cursor").asText(), java.nio.charset.StandardCharsets.UTF_8),
                MASTER_KEY).json();
        assertThat(second.path("data")).hasSize(2);
        assertThat(second.path("has_more").asBoolean()).isFalse();
        Instant newest = Instant.parse(first.path("data").get(0).path("started_at").asText());
        Instant oldest = Instant.parse(second.path("data").get(1).path("started_at").asText());
        assertThat(newest).isAfter(oldest);
        assertThat(http().get("/spend/messages?user_id=" + user + "&from=2000-01-01&to=2000-01-02", MASTER_KEY)
                .json().path("data")).isEmpty();
    }

    @Test
    void servesAnOpenApiDescriptionOfEveryRoute() {
        JsonNode paths = http().get("/v3/api-docs", null).json().path("paths");
        for (String path : List.of("/admin/teams", "/admin/teams/{teamId}/budget", "/admin/users",
                "/admin/users/{userId}/budget", "/admin/keys", "/admin/keys/{keyId}", "/spend/messages",
                "/spend/messages/{requestId}", "/budgets/teams/{teamId}", "/budgets/users/{userId}",
                "/v1/chat/completions", "/v1/models")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
    }
}
