package dev.tollgate.edge.errors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request Jackson or Spring cannot read (no body, the wrong JSON type, JSON too deep, a query number that is no
 * number) is a 400 in OpenAI's shape whose message is Tollgate's own plain words, naming the field as {@code param}
 * where it is known: never a Java class, a method signature or a library's text.
 */
class PlainErrorMessagesTest extends GatewayTestSupport {

    private static final List<String> INTERNALS = List.of("dev.tollgate", "java.", "Mono<", "`", "JsonToken",
            "jackson", "Exception", "StreamReadConstraints", "For input string");

    private RawHttp.Response send(String method, String target, String bearer, String body) {
        return new RawHttp("127.0.0.1", port).send(method, target, bearer, body);
    }

    /** The error of a plain 400; {@code param} is the field named, or null where none is. */
    private static JsonNode plain400(RawHttp.Response answer, String param, String what) {
        assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(400);
        JsonNode body = answer.jsonOrNull();
        assertThat(body).as(what + " answers JSON: " + answer.body()).isNotNull();
        JsonNode error = body.path("error");
        assertThat(error.fieldNames()).toIterable().as(what).containsExactlyInAnyOrder("message", "type", "param",
                "code");
        assertThat(error.path("type").asText()).as(what).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).as(what).isEqualTo("invalid_request");
        String message = error.path("message").asText();
        assertThat(message).as(what).isNotBlank().hasSizeLessThanOrEqualTo(HttpLimits.MAX_MESSAGE);
        for (String internal : INTERNALS) {
            assertThat(message).as(what + " leaks " + internal).doesNotContainIgnoringCase(internal);
        }
        if (param == null) {
            assertThat(error.path("param").isNull()).as(what + ": " + answer.body()).isTrue();
        } else {
            assertThat(error.path("param").asText()).as(what + ": " + answer.body()).isEqualTo(param);
        }
        return error;
    }

    @Test
    void unreadableAdminBodiesAreAnsweredInPlainWords() {
        String team = newTeam("10", "5", "clamp");
        String user = newUser(team, null);
        String missing = plain400(send("POST", "/admin/teams", MASTER_KEY, null), null, "no body")
                .path("message").asText();
        assertThat(missing).isEqualTo("A JSON body is required.");
        assertThat(plain400(send("POST", "/admin/teams", MASTER_KEY, "[]"), null, "an array")
                .path("message").asText()).contains("object");
        assertThat(plain400(send("POST", "/admin/teams", MASTER_KEY,
                "{\"id\":\"t\",\"name\":\"x\",\"budget\":\"1\",\"reason\":\"r\"}"), "budget", "a string for an object")
                .path("message").asText()).contains("'budget'", "object");
        assertThat(plain400(send("POST", "/admin/keys", MASTER_KEY, "{\"name\":\"k\",\"user_id\":\"" + user
                + "\",\"allowed_models\":\"m\"}"), "allowed_models", "a string for an array")
                .path("message").asText()).contains("'allowed_models'", "array");
        plain400(send("POST", "/admin/teams", MASTER_KEY, "{\"name\":{}}"), "name", "an object for a string");
        plain400(send("POST", "/admin/teams", MASTER_KEY, "{\"name\":"), null, "cut JSON");
        plain400(send("POST", "/admin/teams", MASTER_KEY, "{name:1}"), null, "not JSON");
        plain400(send("PUT", "/admin/teams/" + team + "/key-policy", MASTER_KEY,
                "{\"max_keys\":\"many\",\"reason\":\"r\"}"), "max_keys", "a word for a number");
        plain400(send("PUT", "/admin/teams/" + team + "/key-policy", MASTER_KEY,
                "{\"max_keys\":99999999999999999999,\"reason\":\"r\"}"), "max_keys", "a number out of range");
        plain400(send("POST", "/admin/boosts", MASTER_KEY, "{\"target\":\"users\",\"user_ids\":[[\"u\"]],"
                + "\"amount\":\"1\",\"ends_at\":\"2027-01-01T00:00:00Z\",\"reason\":\"r\"}"), "user_ids[0]",
                "an array in an array of ids");
        // refused at its first token: the body is no object
        plain400(send("POST", "/admin/teams", MASTER_KEY, "[".repeat(50_000)), null, "an array nested deeply");
        // a field that takes any JSON is read to its end
        assertThat(plain400(send("POST", "/admin/prices/import", MASTER_KEY, "{\"reason\":\"r\",\"data\":"
                + "[".repeat(2_000)), null, "too deep").path("message").asText()).contains("nested too deeply");
    }

    @Test
    void aChatBodyNestedTooDeeplyIsAnsweredInPlainWords() {
        String key = newTeamKey(newTeam("10", "5", "clamp"));
        assertThat(plain400(send("POST", "/v1/chat/completions", key, "[".repeat(50_000)), null, "too deep")
                .path("message").asText()).contains("nested too deeply");
        plain400(send("POST", "/v1/chat/completions", key, "{\"model\":"), null, "cut JSON");
    }

    @Test
    void aQueryNumberThatIsNoNumberIsA400NamingTheParameter() {
        for (String[] target : List.of(
                new String[]{"/spend/messages?limit=99999999999999999999", "limit"},
                new String[]{"/spend/messages?limit=abc", "limit"},
                new String[]{"/admin/alerts?limit=abc", "limit"},
                new String[]{"/admin/alerts?limit=1.5", "limit"},
                new String[]{"/admin/webhooks/deliveries?limit=x", "limit"},
                new String[]{"/audit?limit=abc", "limit"},
                new String[]{"/admin/recalculations?limit=abc", "limit"},
                new String[]{"/admin/topups?limit=abc", "limit"},
                new String[]{"/admin/prices/proposals?limit=abc", "limit"},
                new String[]{"/admin/webhooks/dead-letters?limit=abc", "limit"},
                new String[]{"/admin/recalculations/x/lines?offset=abc", "offset"},
                new String[]{"/reports/reconciliation?limit=abc", "limit"},
                new String[]{"/reports/spend?forecast=maybe", "forecast"})) {
            plain400(send("GET", target[0], MASTER_KEY, null), target[1], target[0]);
        }
    }

    @Test
    void anUnsupportedContentTypeNamesNoJavaType() {
        Http.Response answer = http().send(http().request("/admin/teams", MASTER_KEY)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hi")).build());
        assertThat(answer.status()).as(answer.body()).isEqualTo(415);
        String message = answer.json().path("error").path("message").asText();
        for (String internal : INTERNALS) {
            assertThat(message).as("leaks " + internal).doesNotContainIgnoringCase(internal);
        }
    }

    /** A 415 names the media type the route reads: JSON on a JSON route, CSV on the roster's. */
    @Test
    void anUnsupportedContentTypeNamesTheMediaTypeTheRouteReads() {
        String team = newTeam("10", "5", "clamp");
        Http.Response json = http().send(http().request("/admin/teams", MASTER_KEY)
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("id\nx")).build());
        assertThat(json.status()).as(json.body()).isEqualTo(415);
        assertThat(json.json().path("error").path("message").asText()).as(json.body())
                .contains("application/json").doesNotContain("text/csv");

        Http.Response csv = http().send(http().request("/admin/teams/" + team + "/roster", MASTER_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(csv.status()).as(csv.body()).isEqualTo(415);
        JsonNode error = csv.json().path("error");
        assertThat(error.path("message").asText()).as(csv.body()).contains("text/csv")
                .doesNotContain("application/json");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void anIllegalArgumentOfABugIsA500WithoutItsText() {
        ApiError bug = OpenAiErrorHandler.toApiError(new NumberFormatException("For input string: \"x\""));
        assertThat(bug.status().value()).isEqualTo(500);
        assertThat(bug.getMessage()).doesNotContain("For input string");
        assertThat(OpenAiErrorHandler.toApiError(new IllegalArgumentException("dev.tollgate.X#y")).status().value())
                .isEqualTo(500);
    }
}
