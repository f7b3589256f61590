package dev.tollgate.edge.errors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every layer answers errors in OpenAI's shape: the HTTP layer's own refusals (414, 431, 400) included, and no
 * error repeats more than a bounded piece of what the client sent, nor any part of a secret.
 */
class HttpLayerErrorsTest extends GatewayTestSupport {

    private RawHttp raw() {
        return new RawHttp("127.0.0.1", port);
    }

    private static JsonNode openAiError(RawHttp.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().get("content-type")).startsWith("application/json");
        JsonNode error = response.jsonOrNull();
        assertThat(error).as("JSON: " + response.body()).isNotNull();
        assertThat(error.path("error").path("message").isTextual()).isTrue();
        assertThat(error.path("error").path("type").isTextual()).isTrue();
        assertThat(error.path("error").has("param")).isTrue();
        assertThat(error.path("error").has("code")).isTrue();
        assertThat(error.path("error").path("message").asText().length()).isLessThanOrEqualTo(HttpLimits.MAX_MESSAGE);
        return error.path("error");
    }

    @Test
    void aRequestLineTooLongIsA414InOpenAisShape() {
        String target = "/v1/models/" + "m".repeat(HttpLimits.MAX_REQUEST_LINE + 10);
        JsonNode error = openAiError(raw().send("GET", target, MASTER_KEY, null), 414);
        assertThat(error.path("code").asText()).isEqualTo("uri_too_long");
        assertThat(error.path("message").asText()).doesNotContain("mmmmmmmmmm");
    }

    @Test
    void headersTooLargeAreA431InOpenAisShape() {
        JsonNode error = openAiError(raw().send("GET", "/v1/models", MASTER_KEY, null,
                Map.of("X-Huge", "h".repeat(HttpLimits.MAX_HEADERS + 10))), 431);
        assertThat(error.path("code").asText()).isEqualTo("headers_too_large");
    }

    @Test
    void aTargetThatIsNoUriIsA400InOpenAisShape() {
        for (String target : new String[]{"\\admin\\teams", "/admin/teams\\x", "/v1/models/a\\b", "/admin/teams?x=\\"}) {
            JsonNode error = openAiError(raw().send("GET", target, MASTER_KEY, null), 400);
            assertThat(error.path("type").asText()).as(target).isEqualTo("invalid_request_error");
        }
        // a HEAD answer has no body, whatever its status
        RawHttp.Response head = raw().send("HEAD", "/admin/teams\\x", MASTER_KEY, null);
        assertThat(head.status()).isEqualTo(400);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aHugeModelNameIsNotEchoed() {
        String model = "x".repeat(60_000);
        String key = newUserKey(newUser(newTeam("10", "5", "clamp"), null), java.util.List.of());
        RawHttp.Response response = raw().send("POST", "/v1/chat/completions", key,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode error = openAiError(response, 404);
        String message = error.path("message").asText();
        assertThat(message).doesNotContain("x".repeat(HttpLimits.MAX_ECHO + 1)).contains("x".repeat(100));
        assertThat(response.body().length()).isLessThan(2 * HttpLimits.MAX_MESSAGE);
    }

    @Test
    void quotedInputInAnyMessageIsCutToTheBound() {
        String message = Echo.bounded("Unknown model '" + "y".repeat(5000) + "' and \"" + "z".repeat(5000) + "\".");
        assertThat(message).doesNotContain("y".repeat(HttpLimits.MAX_ECHO + 1))
                .doesNotContain("z".repeat(HttpLimits.MAX_ECHO + 1)).startsWith("Unknown model 'yyy").endsWith("\".");
        assertThat(Echo.bounded("a".repeat(5000))).hasSize(HttpLimits.MAX_MESSAGE);
        assertThat(Echo.bounded("No user '" + "u".repeat(HttpLimits.MAX_ECHO + 30) + "'."))
                .doesNotContain("u".repeat(HttpLimits.MAX_ECHO + 1)).endsWith("…'.");
        assertThat(Echo.of("a\u0000b")).isEqualTo("a?b");
    }

    @Test
    void aV1RefusalNeverRepeatsAnyPartOfTheKeyPresented() {
        for (String presented : new String[]{MASTER_KEY, "tg-0123456789abcdefghijklmnop", "sk-proj-secretsecret"}) {
            RawHttp.Response response = raw().send("POST", "/v1/chat/completions", presented,
                    "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            JsonNode error = openAiError(response, 401);
            assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
            for (int length = 4; length <= presented.length(); length++) {
                assertThat(response.body()).as(presented).doesNotContain(presented.substring(0, length));
            }
        }
    }
}
