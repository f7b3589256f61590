package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail: every change of budget, boost, key, price, membership and role, with who did it, when and why;
 * newest first, filtered and paged; read-only; a manager reads only their teams' part of it.
 */
class AuditTest extends GatewayTestSupport {

    @Test
    void everyChangeAManagerMakesIsInTheTrailWithTheirIdentityAndReason() {
        String team = newTeam("50", "5", "clamp");
        Credential manager = newCredential("manager", List.of(team), "40");
        Http as = http();

        String user = as.post("/admin/users", manager.secret(), Map.of("team_id", team, "id", unique("student")))
                .json().path("id").asText();
        assertThat(as.put("/admin/users/" + user + "/budget", manager.secret(), Map.of("limit", "7",
                "period", "monthly", "reason", "thesis student")).status()).isEqualTo(200);
        assertThat(as.put("/admin/users/" + user + "/tags", manager.secret(), Map.of("tags", List.of("course:x"),
                "reason", "enrolled")).status()).isEqualTo(200);
        String keyId = as.post("/admin/keys", manager.secret(), Map.of("user_id", user)).json().path("id").asText();
        assertThat(as.post("/admin/keys/" + keyId + "/rotate", manager.secret(), Map.of("reason", "lost laptop"))
                .status()).isEqualTo(200);
        assertThat(as.put("/admin/keys/" + keyId + "/budget", manager.secret(), Map.of("limit", "1",
                "period", "daily", "reason", "one a day")).status()).isEqualTo(200);
        String boostId = as.post("/admin/boosts", manager.secret(), Map.of("target", "user:" + user, "amount", "2",
                "ends_at", Instant.now().plusSeconds(600).toString(), "reason", "deadline")).json().path("id").asText();
        assertThat(as.delete("/admin/boosts/" + boostId + "?reason=mistake", manager.secret()).status())
                .isEqualTo(200);
        assertThat(as.delete("/admin/keys/" + keyId + "?reason=graduated", manager.secret()).status()).isEqualTo(200);
        assertThat(as.put("/admin/teams/" + team + "/budget", manager.secret(), Map.of("limit", "40",
                "period", "monthly", "reason", "second cohort")).status()).isEqualTo(200);

        List<JsonNode> entries = await().atMost(Duration.ofSeconds(10)).until(
                () -> entries("/audit?actor=" + manager.id(), MASTER_KEY), list -> list.size() == 10);
        assertThat(entries).extracting(e -> e.path("action").asText()).containsExactly(
                "team.budget_set", "key.revoked", "boost.revoked", "boost.granted", "key.budget_set", "key.rotated",
                "key.issued", "user.tags_set", "user.budget_set", "user.registered");
        assertThat(entries).extracting(e -> e.path("reason").asText(null)).containsExactly(
                "second cohort", "graduated", "mistake", "deadline", "one a day", "lost laptop", null, "enrolled",
                "thesis student", null);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.path("actor").asText()).isEqualTo(manager.id());
            assertThat(e.path("team_id").asText()).isEqualTo(team);
            assertThat(e.path("at").asText()).isNotBlank();
        });
        assertThat(entries.toString()).as("no secret, not even its hash").doesNotContain("secret_hash")
                .doesNotContain("secretHash");
        JsonNode budgetChange = entries.get(0).path("details");
        assertThat(budgetChange.path("budget").path("limit").asText()).isEqualTo("40");
        // the details are the event's own fields, nothing Jackson took for a getter (Budget.isLimited(), and
        // KeyIssued.issuedByOwner(), read as the is-getter of "suedByOwner")
        assertThat(fieldNames(budgetChange.path("budget"))).containsExactlyInAnyOrder("limit", "period");
        JsonNode issued = entries.get(6).path("details");
        assertThat(issued.path("keyId").asText()).isEqualTo(keyId);
        assertThat(fieldNames(issued)).doesNotContain("suedByOwner")
                .isSubsetOf(Stream.of(KeyIssued.class.getRecordComponents()).map(RecordComponent::getName).toList());

        assertThat(entries("/audit?entity=key:" + keyId, MASTER_KEY)).extracting(e -> e.path("action").asText())
                .containsExactly("key.revoked", "key.budget_set", "key.rotated", "key.issued");
        assertThat(entries("/audit?actor=" + manager.id() + "&action=boost.granted", MASTER_KEY)).hasSize(1);
    }

    @Test
    void adminChangesOfRolesPricesAndTeamsCarryTheMasterIdentity() {
        String team = newTeam("10", null, "clamp");
        Credential manager = newCredential("manager", List.of(team), null);
        assertThat(http().put("/admin/credentials/" + manager.id(), MASTER_KEY, Map.of("role", "manager", "teams", List.of(team),
                "budget_cap", "5", "reason", "a cap for everyone")).status()).isEqualTo(200);
        assertThat(http().delete("/admin/credentials/" + manager.id() + "?reason=left", MASTER_KEY).status())
                .isEqualTo(200);
        // the audit trail is a projection: it follows within moments
        await().untilAsserted(() -> assertThat(entries("/audit?entity=credential:" + manager.id(), MASTER_KEY)
                .stream().map(e -> e.path("action").asText()).toList())
                .containsExactly("credential.revoked", "credential.scope_changed", "credential.issued"));
        assertThat(entries("/audit?entity=team:" + team, MASTER_KEY).get(0).path("actor").asText())
                .isEqualTo("master");
        assertThat(entries("/audit?action=prices.published", MASTER_KEY)).as("the seeded price book, at least")
                .isNotEmpty();
    }

    @Test
    void pagesNewestFirstWithinATimeRange() {
        String team = newTeam("10", null, "clamp");
        Instant start = Instant.now();
        for (int i = 1; i <= 5; i++) {
            assertThat(http().put("/admin/teams/" + team + "/budget", MASTER_KEY, Map.of("limit", Integer.toString(i),
                    "period", "monthly", "reason", "step " + i)).status()).isEqualTo(200);
        }
        Instant end = Instant.now();
        await().until(() -> http().get("/audit?entity=team:" + team + "&action=team.budget_set", MASTER_KEY).json()
                .path("data").size() == 5); // the audit trail is a projection: it follows within moments

        Http.Response first = http().get("/audit?entity=team:" + team + "&action=team.budget_set&limit=2", MASTER_KEY);
        List<String> reasons = new ArrayList<>();
        first.json().path("data").forEach(e -> reasons.add(e.path("reason").asText()));
        String cursor = first.json().path("next_cursor").asText();
        Http.Response rest = http().get("/audit?entity=team:" + team + "&action=team.budget_set&limit=10&cursor="
                + cursor, MASTER_KEY);
        rest.json().path("data").forEach(e -> reasons.add(e.path("reason").asText()));
        assertThat(reasons).containsExactly("step 5", "step 4", "step 3", "step 2", "step 1");
        assertThat(rest.json().path("next_cursor").isNull()).isTrue();

        assertThat(entries("/audit?entity=team:" + team + "&from=" + start + "&to=" + end, MASTER_KEY)).hasSize(5);
        assertThat(entries("/audit?entity=team:" + team + "&to=" + start, MASTER_KEY))
                .extracting(e -> e.path("action").asText()).containsExactly("team.created");
        assertThat(http().get("/audit?from=yesterday", MASTER_KEY).status()).isEqualTo(400);
        assertThat(http().get("/audit?cursor=abc", MASTER_KEY).status()).isEqualTo(400);
    }

    @Test
    void aManagerReadsOnlyTheirTeamsPartAndNobodyCanEditIt() {
        String mine = newTeam("10", null, "clamp");
        String theirs = newTeam("10", null, "clamp");
        Credential manager = newCredential("manager", List.of(mine), null);
        Credential finance = newCredential("finance", null, null);

        // the audit trail is a projection: it follows within moments
        await().until(() -> !entries("/audit?entity=team:" + theirs, finance.secret()).isEmpty()
                && !entries("/audit?entity=team:" + mine, MASTER_KEY).isEmpty());
        List<JsonNode> seen = entries("/audit?limit=1000", manager.secret());
        assertThat(seen).isNotEmpty().allSatisfy(e -> assertThat(e.path("team_id").asText()).isEqualTo(mine));
        assertThat(entries("/audit?entity=team:" + theirs, manager.secret())).isEmpty();
        String userKey = newUserKey(newUser(mine, null), List.of());
        assertThat(http().get("/audit", userKey).status()).isEqualTo(403);

        int before = entries("/audit?entity=team:" + mine, MASTER_KEY).size();
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            Http.Response attempt = http().send(http().request("/audit", MASTER_KEY)
                    .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "application/json").build());
            assertThat(attempt.status()).as(method).isIn(404, 405);
            assertThat(attempt.json().path("error").isObject()).isTrue();
        }
        assertThat(entries("/audit?entity=team:" + mine, MASTER_KEY)).hasSize(before);
    }

    private List<JsonNode> entries(String path, String bearer) {
        Http.Response page = http().get(path, bearer);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        page.json().path("data").forEach(entries::add);
        return entries;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
