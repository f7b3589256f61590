package dev.tollgate.edge.input;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input that used to reach the database and fail there (a 500) is refused at the edge with a 400 in OpenAI's shape:
 * dates far outside any meaning, NUL and other control characters in ids, names and parameters. A report on an
 * unknown team is a 404.
 */
class InputBoundsTest extends GatewayTestSupport {

    private static final List<String> FAR_INSTANTS = List.of("-999999999-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "+10000-01-01T00:00:00Z");

    private RawHttp.Response send(String method, String target, String body) {
        return new RawHttp("127.0.0.1", port).send(method, target, MASTER_KEY, body);
    }

    private static JsonNode status(RawHttp.Response response, int status, String what) {
        assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(status);
        JsonNode error = response.jsonOrNull();
        assertThat(error).as(what + " answers JSON").isNotNull();
        assertThat(error.path("error").path("message").isTextual()).as(what).isTrue();
        assertThat(error.path("error").path("type").asText()).as(what).isEqualTo("invalid_request_error");
        return error.path("error");
    }

    @Test
    void everyDateParameterIsBounded() {
        String team = newTeam("10", "5", "clamp");
        for (String instant : FAR_INSTANTS) {
            String escaped = instant.replace("+", "%2B");
            for (String target : List.of("/reports/spend?from=" + escaped, "/reports/spend?to=" + escaped,
                    "/reports/reconciliation?from=" + escaped, "/audit?from=" + escaped, "/audit?to=" + escaped,
                    "/spend/messages?from=" + escaped, "/spend/messages?to=" + escaped,
                    "/admin/boosts?active_at=" + escaped, "/spend/messages?cursor=" + escaped + "~req_x")) {
                status(send("GET", target, null), 400, target);
            }
        }
        for (String date : List.of("0000-01-01", "1969-12-31")) {
            status(send("GET", "/reports/spend?from=" + date, null), 400, date);
        }
        for (String month : List.of("%2B999999999-01", "0000-01", "-0001-01")) {
            status(send("GET", "/reports/statements/" + team + "?month=" + month, null), 400, month);
        }
        // an empty parameter is an absent one
        for (String target : List.of("/reports/spend?to=", "/reports/spend?from=&to=", "/reports/reconciliation?to=",
                "/audit?from=", "/spend/messages?to=")) {
            assertThat(send("GET", target, null).status()).as(target).isEqualTo(200);
        }
        // dates a client may mean stay valid
        assertThat(send("GET", "/reports/spend?from=1970-01-01&to=9999-12-31", null).status()).isEqualTo(200);
    }

    @Test
    void everyInstantOfAJsonBodyIsBounded() {
        String team = newTeam("10", "5", "clamp");
        String user = newUser(team, null);
        for (String instant : FAR_INSTANTS) {
            String value = "\"" + instant + "\"";
            for (String[] request : List.of(
                    new String[]{"POST", "/admin/keys", "{\"name\":\"k\",\"user_id\":\"" + user + "\",\"expires_at\":"
                            + value + "}"},
                    new String[]{"POST", "/admin/boosts", "{\"target\":\"team:" + team + "\",\"amount\":\"1\","
                            + "\"ends_at\":" + value + ",\"reason\":\"r\"}"},
                    new String[]{"POST", "/admin/boosts", "{\"target\":\"team:" + team + "\",\"amount\":\"1\","
                            + "\"starts_at\":" + value + ",\"ends_at\":\"" + Instant.now().plusSeconds(60)
                            + "\",\"reason\":\"r\"}"},
                    new String[]{"PUT", "/admin/prices", "{\"prices\":{\"gpt-repriced\":{\"input\":\"1\",\"output\":"
                            + "\"2\"}},\"effective_from\":" + value + ",\"reason\":\"r\"}"})) {
                status(send(request[0], request[1], request[2]), 400, request[1] + " " + instant);
            }
        }
        status(send("POST", "/admin/keys", "{\"name\":\"k\",\"user_id\":\"" + user + "\",\"expires_at\":1e300}"), 400,
                "a numeric instant out of range");
    }

    @Test
    void nulAndControlCharactersAreA400Everywhere() {
        String team = newTeam("10", "5", "clamp");
        String user = newUser(team, null);
        // in the path
        for (String target : List.of("/admin/teams/a%00b", "/admin/users/a%01b", "/budgets/teams/%00",
                "/spend/messages/req%7f")) {
            assertThat(send("GET", target, null).status()).as(target).isEqualTo(400);
        }
        // in the query
        for (String target : List.of("/spend/messages?team_id=a%00b", "/audit?actor=%00", "/reports/spend?model=x%0Ay",
                "/admin/boosts?target=team:%00", "/spend/messages?%00=1")) {
            status(send("GET", target, null), 400, target);
        }
        // in a JSON body: ids, names, references, map keys and values
        for (String[] request : List.of(
                new String[]{"POST", "/admin/users", "{\"team_id\":\"\\u0000\"}"},
                new String[]{"POST", "/admin/users", "{\"team_id\":\"" + team + "\",\"name\":\"a\\u0000b\"}"},
                new String[]{"POST", "/admin/teams", "{\"id\":\"t\\u0000\",\"name\":\"n\",\"budget\":{\"unlimited\":true},"
                        + "\"member_budget\":{\"unlimited\":true}}"},
                new String[]{"POST", "/admin/teams", "{\"name\":\"n\\u0007\",\"budget\":{\"unlimited\":true},"
                        + "\"member_budget\":{\"unlimited\":true}}"},
                new String[]{"POST", "/admin/keys", "{\"name\":\"k\",\"user_id\":\"" + user + "\",\"metadata\":{\"a\\u0000\":\"b\"}}"},
                new String[]{"POST", "/admin/keys", "{\"name\":\"k\",\"user_id\":\"" + user + "\",\"metadata\":{\"a\":\"\\u0000\"}}"},
                new String[]{"PUT", "/admin/users/" + user + "/tags", "{\"tags\":[\"x\\u0000\"],\"reason\":\"r\"}"},
                new String[]{"PUT", "/admin/teams/" + team + "/budget", "{\"limit\":\"5\",\"period\":\"monthly\","
                        + "\"reason\":\"\\u0000\"}"})) {
            status(send(request[0], request[1], request[2]), 400, request[1] + " " + request[2]);
        }
        // a reason may still have line breaks and tabs
        assertThat(send("PUT", "/admin/teams/" + team + "/budget", "{\"limit\":\"5\",\"period\":\"monthly\","
                + "\"reason\":\"line one\\n\\tline two\"}").status()).isEqualTo(200);
        // the OpenAI 'user' of a team key
        String teamKey = newTeamKey(team);
        for (String route : List.of("/v1/chat/completions", "/v1/embeddings")) {
            String body = route.endsWith("embeddings") ? "{\"model\":\"embed-test\",\"input\":\"x\",\"user\":\"a\\u0000b\"}"
                    : "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"user\":\"a\\u0000b\"}";
            RawHttp.Response response = new RawHttp("127.0.0.1", port).send("POST", route, teamKey, body);
            assertThat(status(response, 400, route).path("param").asText()).isEqualTo("user");
        }
    }

    @Test
    void aNameOnSeveralLinesAnOverlongReasonAndATabInATagAreA400NamingTheField() {
        String team = newTeam("10", "5", "clamp");
        String user = newUser(team, null);
        for (String[] request : List.of(
                new String[]{"POST", "/admin/teams", "{\"name\":\"two\\nlines\",\"budget\":{\"unlimited\":true},"
                        + "\"member_budget\":{\"unlimited\":true}}", "name"},
                new String[]{"POST", "/admin/users", "{\"team_id\":\"" + team + "\",\"name\":\"a\\tb\"}", "name"},
                new String[]{"POST", "/admin/users", "{\"team_id\":\"" + team + "\",\"name\":\"" + "n".repeat(201)
                        + "\"}", "name"},
                new String[]{"POST", "/admin/keys", "{\"name\":\"k\\r\",\"user_id\":\"" + user + "\"}", "name"},
                new String[]{"POST", "/admin/credentials", "{\"name\":\"a\\nb\",\"role\":\"finance\","
                        + "\"reason\":\"r\"}", "name"},
                new String[]{"PUT", "/admin/users/" + user + "/tags", "{\"tags\":[\"a\\tb\"],\"reason\":\"r\"}",
                        "tags[0]"},
                new String[]{"PUT", "/admin/teams/" + team + "/budget", "{\"limit\":\"5\",\"period\":\"monthly\","
                        + "\"reason\":\"" + "r".repeat(2001) + "\"}", "reason"},
                new String[]{"POST", "/admin/teams", "{\"id\":\"a/b\",\"name\":\"n\",\"budget\":{\"unlimited\":true},"
                        + "\"member_budget\":{\"unlimited\":true}}", "id"})) {
            JsonNode error = status(send(request[0], request[1], request[2]), 400, request[1] + " " + request[2]);
            assertThat(error.path("param").asText()).as(request[1] + " " + request[2]).isEqualTo(request[3]);
        }
    }

    @Test
    void aReportOnAnUnknownTeamIsA404() {
        RawHttp.Response response = send("GET", "/reports/spend?team_id=nosuch", null);
        assertThat(response.status()).as(response.body()).isEqualTo(404);
        assertThat(response.jsonOrNull().path("error").path("code").asText()).isEqualTo("not_found");
        String team = newTeam("10", "5", "clamp");
        assertThat(send("GET", "/reports/spend?team_id=" + team, null).status()).isEqualTo(200);
        assertThat(send("GET", "/reports/statements/nosuch", null).status()).isEqualTo(404);
    }

    @Test
    void theCheckedMapperStillReadsOrdinaryBodies() {
        String team = newTeam("10", "5", "clamp");
        RawHttp.Response created = send("POST", "/admin/users", "{\"team_id\":\"" + team + "\",\"name\":\"Zoë 名前\","
                + "\"tags\":[\"course:cs101\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(Map.of("name", created.jsonOrNull().path("name").asText())).containsEntry("name", "Zoë 名前");
    }
}
