package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only an operator should see stays with the operator unless tollgate.edge.expose-upstream-details is on (it is
 * off here, as by default): no upstream error text, no deployment name; and what a client sent is echoed bounded.
 */
class UpstreamDetailsTest extends GatewayTestSupport {

    private String key() {
        return newUserKey(newUser(newTeam("10", "10", "clamp"), null), List.of());
    }

    @Test
    void anUpstreamFailureNamesNeitherTheDeploymentNorWhatTheUpstreamSaid() {
        String key = key();

        Http.Response broken = chat(key, "gpt-broken", Map.of());
        Http.Response picky = chat(key, "gpt-picky", Map.of());
        Http.Response embedding = http().post("/v1/embeddings", key, Map.of("model", "embed-broken", "input", "x"));

        assertThat(broken.status()).isEqualTo(502);
        assertThat(embedding.status()).isEqualTo(502);
        for (Http.Response failed : List.of(broken, embedding)) {
            String message = failed.json().path("error").path("message").asText();
            assertThat(message).contains("Nothing was charged").doesNotContain("The upstream broke")
                    .doesNotContainIgnoringCase("deployment").doesNotContain("up-error-500");
        }
        // a client's mistake keeps the upstream's status, code and param, not its words
        assertThat(picky.status()).isEqualTo(400);
        JsonNode error = picky.json().path("error");
        assertThat(error.path("param").asText()).isEqualTo("temperature");
        assertThat(error.path("code").asText()).isEqualTo("invalid_value");
        assertThat(error.path("message").asText()).doesNotContain("Invalid value");
    }

    @Test
    void anAnswerSaysWhichModelAnsweredButNotOnWhichDeployment() {
        Http.Response answer = chat(key(), "gpt-test", Map.of());

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("x-tollgate-model")).isEqualTo("gpt-test");
        assertThat(answer.header("x-tollgate-attempts")).isEqualTo("1");
        assertThat(answer.header("x-tollgate-deployment")).isNull();
    }

    @Test
    void aLongModelNameIsEchoedBounded() {
        String key = key();
        String name = "m".repeat(5_000);

        for (String route : List.of("/v1/chat/completions", "/v1/embeddings", "/v1/responses")) {
            Http.Response unknown = http().post(route, key, Map.of("model", name, "input", "x", "messages",
                    List.of(Map.of("role", "user", "content", "x"))));
            assertThat(unknown.status()).as(route).isEqualTo(404);
            assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("model_not_found");
            assertThat(unknown.json().path("error").path("message").asText().length()).as(route)
                    .isLessThan(400);
        }
    }
}
