package dev.tollgate.edge.input;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Half of a UTF-16 surrogate pair alone ({@code "\ud800"} in JSON) has no UTF-8 form: stored, it became {@code ?}.
 * Every text of a body refuses it with a 400; a whole pair (an emoji) is kept as it was sent.
 */
class LoneSurrogatesTest extends GatewayTestSupport {

    private RawHttp.Response send(String method, String target, String body) {
        return new RawHttp("127.0.0.1", port).send(method, target, MASTER_KEY, body);
    }

    private static String team(String name, String reason) {
        return "{\"name\":\"" + name + "\",\"budget\":{\"unlimited\":true},\"member_budget\":{\"unlimited\":true}"
                + (reason == null ? "" : ",\"reason\":\"" + reason + "\"") + "}";
    }

    @Test
    void aLoneSurrogateInAnyTextIsA400() {
        String team = newTeam("10", "5", "clamp");
        String user = newUser(team, null);
        for (String[] request : List.of(
                new String[]{"POST", "/admin/teams", team("x\\ud800", null)},
                new String[]{"POST", "/admin/teams", team("x\\udc00", null)},
                new String[]{"POST", "/admin/teams", team("\\udc00\\ud800", null)},
                new String[]{"POST", "/admin/teams", team("x", "\\ud800")},
                new String[]{"PUT", "/admin/teams/" + team + "/budget", "{\"limit\":\"5\",\"period\":\"monthly\","
                        + "\"reason\":\"why \\ud83d\"}"},
                new String[]{"POST", "/admin/keys", "{\"name\":\"k\",\"user_id\":\"" + user + "\",\"metadata\":"
                        + "{\"a\\ud800\":\"b\"}}"},
                new String[]{"POST", "/admin/keys", "{\"name\":\"k\",\"user_id\":\"" + user + "\",\"metadata\":"
                        + "{\"a\":\"b\\udfff\"}}"})) {
            RawHttp.Response answer = send(request[0], request[1], request[2]);
            assertThat(answer.status()).as(request[1] + " " + request[2] + ": " + answer.body()).isEqualTo(400);
            JsonNode error = answer.jsonOrNull().path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).as(answer.body()).containsIgnoringCase("surrogate");
        }
    }

    @Test
    void aWholePairIsKeptAsSent() {
        RawHttp.Response created = send("POST", "/admin/teams", team("Team \\ud83d\\ude00", "a \\ud83d\\ude00"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.jsonOrNull().path("name").asText()).isEqualTo("Team \uD83D\uDE00");
        String id = created.jsonOrNull().path("id").asText();
        assertThat(http().get("/admin/teams/" + id, MASTER_KEY).json().path("name").asText())
                .isEqualTo("Team \uD83D\uDE00");
    }
}
