package dev.tollgate.edge.sso;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A manager signed in with SSO (groups {@code course-staff:A}) can never read or change team B, route by route:
 * each route of the admin API and the read API with B's ids, with a valid session and its CSRF token, is refused.
 */
class SsoManagerRoutesTest extends GatewayTestSupport {

    private static String teamA;
    private static String teamB;
    private static String userB;
    private static String keyB;
    private static String boostB;
    private static String requestB;
    private static SignedInBrowserless manager;

    /** Once for all routes (the application is shared; the session lasts the whole class). */
    @BeforeEach
    void twoTeams() {
        if (manager != null) {
            return;
        }
        teamA = newTeam("100", "5", "clamp");
        teamB = newTeam("100", "5", "clamp");
        userB = newUser(teamB, null);
        var issued = issue(Map.of("name", "b", "user_id", userB, "budget", Map.of("limit", "1", "period", "daily")));
        keyB = issued.path("id").asText();
        requestB = chat(issued.path("key").asText(), "gpt-test", Map.of()).header("x-request-id");
        messageCost(requestB);
        boostB = http().post("/admin/boosts", MASTER_KEY, Map.of("target", "team:" + teamB, "amount", "1",
                "ends_at", Instant.now().plusSeconds(600).toString(), "reason", "x")).json().path("id").asText();
        manager = SignedInBrowserless.signIn(baseUrl(), "ui", unique("mgr"), List.of("course-staff:" + teamA));
    }

    private static final Map<String, Object> BUDGET = Map.of("limit", "1", "period", "monthly", "reason", "x");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "GET /admin/teams/{team}", "GET /budgets/teams/{team}", "GET /admin/users/{user}",
            "GET /budgets/users/{user}", "GET /admin/users?team_id={team}", "GET /admin/keys/{key}",
            "GET /budgets/keys/{key}", "GET /admin/boosts/{boost}", "GET /spend/messages/{request}",
            "GET /admin/teams/{team}/key-policy",
            "PUT /admin/teams/{team}/budget", "PUT /admin/users/{user}/budget", "PUT /admin/users/{user}/tags",
            "POST /admin/users", "DELETE /admin/users/{user}?reason=x", "POST /admin/keys",
            "DELETE /admin/keys/{key}", "POST /admin/keys/{key}/rotate", "PUT /admin/keys/{key}/budget",
            "POST /admin/boosts", "DELETE /admin/boosts/{boost}?reason=x", "PUT /admin/teams/{team}/key-policy",
            "POST /admin/teams", "POST /admin/credentials", "PUT /admin/prices"})
    void isRefusedForAnotherTeam(String route) {
        String[] parts = route.split(" ", 2);
        String path = parts[1].replace("{team}", teamB).replace("{user}", userB).replace("{key}", keyB)
                .replace("{boost}", boostB).replace("{request}", requestB);
        Object body = switch (parts[0]) {
            case "GET", "DELETE" -> null;
            default -> path.startsWith("/admin/users/") && path.endsWith("/tags")
                    ? Map.of("tags", List.of("x"), "reason", "x")
                    : path.equals("/admin/users") ? Map.of("id", unique("u"), "team_id", teamB)
                    : path.equals("/admin/keys") ? Map.of("name", "k", "user_id", userB)
                    : path.equals("/admin/boosts") ? Map.of("target", "team:" + teamB, "amount", "1",
                    "ends_at", Instant.now().plusSeconds(60).toString(), "reason", "x")
                    : path.endsWith("/key-policy") ? Map.of("max_keys", 9, "reason", "x")
                    : path.equals("/admin/teams") ? Map.of("id", unique("t"), "reason", "x")
                    : path.equals("/admin/credentials") ? Map.of("role", "admin", "name", "x", "reason", "x")
                    : path.equals("/admin/prices") ? Map.of("prices", Map.of("gpt-test", Map.of("input", 9,
                    "output", 9)), "reason", "x")
                    : BUDGET;
        };

        Http.Response response = manager.send(parts[0], path, body);

        assertThat(response.status()).as(route + ": " + response.body()).isEqualTo(403);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("permission_denied");
    }
}
