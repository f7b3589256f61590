package dev.tollgate.edge.input;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.IdentityProvider;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A list of ids or names in a request body ({@code user_ids}, {@code teams}, {@code allowed_models}, {@code tags})
 * with a {@code null} or a malformed element is a 400 naming that element, on every route that takes one; it used to
 * be a 500 where the list was copied.
 */
class IdListsTest extends GatewayTestSupport {

    private RawHttp.Response send(String method, String target, String body) {
        return new RawHttp("127.0.0.1", port).send(method, target, MASTER_KEY, body);
    }

    private static void refused(int status, String body, String param, String what) {
        assertThat(status).as(what + ": " + body).isEqualTo(400);
        JsonNode error = parse(body).path("error");
        assertThat(error.path("type").asText()).as(what).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).as(what + ": " + body).isEqualTo(param);
        assertThat(error.path("message").asText()).as(what).contains(param);
    }

    private static JsonNode parse(String body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    @Test
    void aNullOrMalformedElementOfAnAdminListIsA400NamingIt() {
        String team = newTeam("10", "5", "clamp");
        String user = newUser(team, null);
        String soon = "\"ends_at\":\"2027-01-01T00:00:00Z\"";
        List<String[]> requests = List.of(
                new String[]{"POST", "/admin/boosts", "{\"target\":\"users\",\"user_ids\":[null],\"amount\":\"1\","
                        + soon + ",\"reason\":\"r\"}", "user_ids[0]"},
                new String[]{"POST", "/admin/boosts", "{\"target\":\"users\",\"user_ids\":[\"" + user + "\",\"a b\"],"
                        + "\"amount\":\"1\"," + soon + ",\"reason\":\"r\"}", "user_ids[1]"},
                new String[]{"POST", "/admin/credentials", "{\"role\":\"manager\",\"teams\":[null]}", "teams[0]"},
                new String[]{"PUT", "/admin/credentials/cred_none", "{\"role\":\"manager\",\"teams\":[\"" + team
                        + "\",null],\"reason\":\"r\"}", "teams[1]"},
                new String[]{"POST", "/admin/webhooks", "{\"url\":\"https://example.com/x\",\"teams\":[null],"
                        + "\"reason\":\"r\"}", "teams[0]"},
                new String[]{"POST", "/admin/webhooks", "{\"url\":\"https://example.com/x\",\"teams\":[\"cs101\",null],"
                        + "\"reason\":\"r\"}", "teams[1]"},
                new String[]{"POST", "/admin/keys", "{\"name\":\"k\",\"user_id\":\"" + user + "\","
                        + "\"allowed_models\":[null]}", "allowed_models[0]"},
                new String[]{"PUT", "/admin/teams/" + team + "/key-policy", "{\"max_keys\":3,\"allowed_models\":"
                        + "[\"gpt-cheap\",null],\"reason\":\"r\"}", "allowed_models[1]"},
                new String[]{"POST", "/admin/users", "{\"team_id\":\"" + team + "\",\"tags\":[null]}", "tags[0]"},
                new String[]{"PUT", "/admin/users/" + user + "/tags", "{\"tags\":[\"course:x\",null],\"reason\":\"r\"}",
                        "tags[1]"},
                new String[]{"POST", "/admin/users/" + user + "/move", "{\"to_team\":\"" + team + "\",\"tags\":[null],"
                        + "\"reason\":\"r\"}", "tags[0]"});
        for (String[] request : requests) {
            RawHttp.Response answer = send(request[0], request[1], request[2]);
            refused(answer.status(), answer.body(), request[3], request[1] + " " + request[2]);
        }
    }

    @Test
    void aNullModelInAPortalKeyIsA400NamingIt() {
        String team = newTeam("100", "5", "clamp");
        IdentityProvider.SignIn signedIn = IdentityProvider.signIn(baseUrl(), "portal", unique("stu"),
                List.of(team + "-students"));
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(302);
        String cookie = "tollgate_session=" + signedIn.sessionCookie();
        String csrf = http().send(http().request("/sso/session", null).header("Cookie", cookie).GET().build())
                .json().path("csrf_token").asText();

        Http.Response answer = http().send(http().request("/portal/api/keys", null).header("Cookie", cookie)
                .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"k\",\"allowed_models\":[null]}")).build());

        refused(answer.status(), answer.body(), "allowed_models[0]", "portal key");
    }
}
