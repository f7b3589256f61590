package dev.tollgate.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every amount a client gives, on every route that takes one, follows one grammar (ASCII digits, at most 9
 * decimals): anything else is a 400 in OpenAI's shape, at once and short, however large the number it spells.
 */
class StrictAmountsTest extends GatewayTestSupport {

    /** JSON values (as written in the body) that are no amount. */
    private static final List<String> NOT_AMOUNTS = List.of("\"+5\"", "\" 5\"", "\".5\"", "\"1e3\"",
            "\"1e100000000\"", "\"٥\"", "\"-5\"", "\"5.\"", "\"0.0000000001\"", "1e3", "1e100000000", "-5", "\"\"");

    private RawHttp.Response send(String method, String path, String body) {
        return new RawHttp("127.0.0.1", port).send(method, path, MASTER_KEY, body);
    }

    private static void refused(RawHttp.Response response, String what, long startedNanos) {
        assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(400);
        JsonNode error = response.jsonOrNull();
        assertThat(error).as(what).isNotNull();
        assertThat(error.path("error").path("type").asText()).as(what).isEqualTo("invalid_request_error");
        assertThat(response.body().length()).as(what).isLessThan(1500);
        assertThat(System.nanoTime() - startedNanos).as(what + " answers at once").isLessThan(5_000_000_000L);
    }

    @Test
    void everyAmountOfEveryRouteFollowsTheOneGrammar() {
        String team = newTeam("10", "5", "clamp");
        String user = newUser(team, null);
        String keyId = issue(java.util.Map.of("name", "k", "user_id", user)).path("id").asText();
        String endsAt = Instant.now().plusSeconds(3600).toString();
        for (String amount : NOT_AMOUNTS) {
            String budget = "{\"limit\":" + amount + ",\"period\":\"monthly\"}";
            List<String[]> requests = List.of(
                    new String[]{"POST", "/admin/teams", "{\"name\":\"t\",\"budget\":" + budget + ",\"member_budget\":"
                            + budget + ",\"reason\":\"r\"}"},
                    new String[]{"PUT", "/admin/teams/" + team + "/budget", "{\"limit\":" + amount
                            + ",\"period\":\"monthly\",\"reason\":\"r\"}"},
                    new String[]{"PUT", "/admin/users/" + user + "/budget", "{\"limit\":" + amount
                            + ",\"period\":\"monthly\",\"reason\":\"r\"}"},
                    new String[]{"PUT", "/admin/keys/" + keyId + "/budget", "{\"limit\":" + amount
                            + ",\"period\":\"daily\",\"reason\":\"r\"}"},
                    new String[]{"POST", "/admin/users", "{\"team_id\":\"" + team + "\",\"budget\":" + budget + "}"},
                    new String[]{"POST", "/admin/boosts", "{\"target\":\"team:" + team + "\",\"amount\":" + amount
                            + ",\"ends_at\":\"" + endsAt + "\",\"reason\":\"r\"}"},
                    new String[]{"POST", "/admin/credentials", "{\"name\":\"m\",\"role\":\"manager\",\"teams\":[\""
                            + team + "\"],\"budget_cap\":" + amount + ",\"reason\":\"r\"}"},
                    new String[]{"PUT", "/admin/prices", "{\"prices\":{\"gpt-repriced\":{\"input\":" + amount
                            + ",\"output\":\"2\"}},\"reason\":\"r\"}"},
                    new String[]{"PUT", "/admin/prices", "{\"prices\":{\"gpt-repriced\":{\"input\":\"1\",\"output\":"
                            + "\"2\",\"per_request\":" + amount + "}},\"reason\":\"r\"}"},
                    new String[]{"PUT", "/admin/prices", "{\"prices\":{\"image-test\":{\"input\":\"0\",\"output\":"
                            + "\"0\",\"image_prices\":{\"256x256\":" + amount + "}}},\"reason\":\"r\"}"});
            for (String[] request : requests) {
                long started = System.nanoTime();
                refused(send(request[0], request[1], request[2]), request[0] + " " + request[1] + " " + amount, started);
            }
        }
        // the grammar's own amounts pass, as strings and as plain JSON numbers
        assertThat(send("PUT", "/admin/teams/" + team + "/budget",
                "{\"limit\":\"12.000000001\",\"period\":\"monthly\",\"reason\":\"r\"}").status()).isEqualTo(200);
        assertThat(send("PUT", "/admin/teams/" + team + "/budget",
                "{\"limit\":12.5,\"period\":\"monthly\",\"reason\":\"r\"}").status()).isEqualTo(200);
        assertThat(budgetOf("teams", team).path("limit").asText()).isEqualTo("12.5");
    }
}
