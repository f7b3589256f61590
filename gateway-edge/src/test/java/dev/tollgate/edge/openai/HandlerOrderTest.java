package dev.tollgate.edge.openai;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The functional routes are the first handler mapping a request meets (FunctionalRoutesFirst), and moving them there
 * shadows nothing: the actuator, the admin API's controllers and the OpenAI routes all still answer.
 */
class HandlerOrderTest extends GatewayTestSupport {

    @Autowired
    DispatcherHandler dispatcher;

    @Test
    void theFunctionalRoutesAreTriedFirstAndEveryKindOfRouteStillAnswers() {
        List<HandlerMapping> mappings = dispatcher.getHandlerMappings();
        assertThat(mappings).isNotNull();
        assertThat(mappings.get(0)).isInstanceOf(RouterFunctionMapping.class);

        Http http = http();
        assertThat(http.get("/actuator/health/readiness", null).status()).isEqualTo(200);
        assertThat(http.get("/admin/teams", MASTER_KEY).status()).isEqualTo(200);
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        Http.Response models = http.get("/v1/models", key);
        assertThat(models.status()).isEqualTo(200);
        assertThat(models.json().path("object").asText()).isEqualTo("list");
        Http.Response chat = chat(key, "gpt-test", java.util.Map.of());
        assertThat(chat.status()).isEqualTo(200);
        assertThat(chat.header("content-type")).startsWith("application/json");
        assertThat(chat.header("content-length")).isEqualTo(Integer.toString(chat.body().getBytes(
                java.nio.charset.StandardCharsets.UTF_8).length));
        assertThat(chat.json().path("usage").has("cost")).isTrue();
    }
}
