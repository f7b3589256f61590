package dev.tollgate.edge.openai;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The governed routes' plain spellings go from the edge's checks straight to their endpoint; every other request,
 * other spellings of the same routes included, goes on to WebFlux's router, which answers them as before.
 */
class GovernedDispatchTest extends GatewayTestSupport {

    @Autowired
    GovernedDispatch dispatch;

    @Autowired
    List<OpenAiEndpoint> endpoints;

    @Test
    void takesOnlyAPostToAGovernedRoutesPlainPath() {
        assertThat(endpoints).extracting(OpenAiEndpoint::route).containsExactlyInAnyOrder("/v1/chat/completions",
                "/v1/completions", "/v1/embeddings", "/v1/images/generations", "/v1/responses");
        for (OpenAiEndpoint endpoint : endpoints) {
            String route = endpoint.route();
            assertThat(dispatch.endpointFor(request(HttpMethod.POST, route))).as(route).isSameAs(endpoint);
            assertThat(dispatch.endpointFor(request(HttpMethod.POST, route + "?trace=1"))).as(route).isSameAs(endpoint);
            assertThat(dispatch.endpointFor(request(HttpMethod.GET, route))).as(route).isNull();
            assertThat(dispatch.endpointFor(request(HttpMethod.PUT, route))).as(route).isNull();
            assertThat(dispatch.endpointFor(request(HttpMethod.POST, route + "/"))).as(route).isNull();
            assertThat(dispatch.endpointFor(request(HttpMethod.POST, route.toUpperCase()))).as(route).isNull();
        }
        assertThat(dispatch.endpointFor(request(HttpMethod.POST, "/v1/chat/%63ompletions"))).isNull();
        assertThat(dispatch.endpointFor(request(HttpMethod.POST, "/v1/chat/completions;v=1"))).isNull();
        assertThat(dispatch.endpointFor(request(HttpMethod.POST, "/v1/models"))).isNull();
        assertThat(dispatch.endpointFor(request(HttpMethod.POST, "/admin/teams"))).isNull();
    }

    @Test
    void aGovernedRouteSpelledWithAnEscapedLetterIsAnsweredByTheRouterAsThePlainSpellingIs() {
        String key = newUserKey(newUser(newTeam("100", "10", "clamp"), null), List.of());
        Map<String, Object> body = Map.of("model", "gpt-test", "max_tokens", 50,
                "messages", List.of(Map.of("role", "user", "content", "the same question")));

        Http.Response plain = http().post("/v1/chat/completions", key, body);
        Http.Response escaped = http().post("/v1/chat/%63ompletions", key, body);

        for (Http.Response answer : List.of(plain, escaped)) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.header("x-content-type-options")).isEqualTo("nosniff");
            assertThat(answer.header("content-type")).startsWith("application/json");
            assertThat(answer.json().path("usage").path("cost").isNumber()).isTrue();
        }
        assertThat(new BigDecimal(escaped.header("x-tollgate-cost")))
                .isEqualByComparingTo(plain.header("x-tollgate-cost"));
        assertThat(new BigDecimal(escaped.header("x-tollgate-reserved")))
                .isEqualByComparingTo(plain.header("x-tollgate-reserved"));
        assertThat(escaped.header("x-request-id")).isNotEqualTo(plain.header("x-request-id"));
    }

    @Test
    void aRefusalOnThePlainPathIsTheErrorHandlersAnswer() {
        Http.Response refused = http().post("/v1/chat/completions", "sk-tollgate-not-a-key", Map.of());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(refused.json().path("error").path("type").asText()).isNotEmpty();
        assertThat(refused.json().path("error").path("message").asText()).isNotEmpty();
    }

    private static MockServerHttpRequest request(HttpMethod method, String rawPath) {
        return MockServerHttpRequest.method(method, URI.create(rawPath)).build();
    }
}
