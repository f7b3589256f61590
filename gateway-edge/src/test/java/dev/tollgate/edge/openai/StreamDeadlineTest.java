package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream still running when its reservation would expire is ended first (at three quarters of
 * {@code tollgate.ledger.reservation-ttl}) and settled on what it delivered: expired, it would be charged its estimate
 * and its real usage refused.
 */
@TestPropertySource(properties = "tollgate.ledger.reservation-ttl=30s")
class StreamDeadlineTest extends GatewayTestSupport {

    private static final TokenCounter TOKENS = new TokenCounter();

    @Test
    void aStreamStillRunningBeforeItsReservationExpiresIsEndedAndSettledOnWhatItDelivered() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        // the upstream sends its first chunk, then nothing until released; the stream is ended at 22.5 s
        upstream().holdNextStream();
        try {
            Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-slow-stream",
                    "stream", true, "stream_options", Map.of("include_usage", true),
                    "messages", List.of(Map.of("role", "user", "content", "Hi"))));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("Hello").doesNotContain("world")
                    .contains("\"cost\"").endsWith("data: [DONE]\n\n");
            JsonNode row = messageCost(response.header("x-request-id"));
            assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("settled");
            assertThat(row.path("flagged").asBoolean()).isFalse();
            assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(TOKENS.text("Hello"));
        } finally {
            upstream().releaseStream();
        }
    }
}
