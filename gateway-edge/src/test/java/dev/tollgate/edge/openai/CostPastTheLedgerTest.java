package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.support.FakeUpstream;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A usage Tollgate believes whose cost is more than the ledger's amounts hold (a price of 10^8 per million tokens,
 * 10^8 prompt tokens: 10^10, past a long of nano-units) is charged its reservation, whole or streamed: no 500, no
 * settlement lost, no reservation left to expire.
 */
class CostPastTheLedgerTest extends GatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE = "{\"prompt_tokens\":100000000,\"completion_tokens\":4,\"total_tokens\":100000004}";

    @Test
    void aWholeAnswerWhoseCostIsPastTheLedgerIsChargedItsReservation() {
        String marker = unique("dear");
        upstream().giveWhole(marker, "{\"id\":\"chatcmpl-given\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"up-given\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"Hello\"}}],\"usage\":" + USAGE + "}");

        Http.Response answer = http().post("/v1/chat/completions", key(), Map.of("model", "gpt-given-dear",
                "messages", List.of(Map.of("role", "user", "content", marker))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        String reserved = answer.header("x-tollgate-reserved");
        assertThat(answer.header("x-tollgate-cost")).isEqualTo(reserved);
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("settled");
        assertThat(new BigDecimal(row.path("cost").asText())).isPositive().isEqualByComparingTo(reserved);
    }

    @Test
    void aStreamWhoseCostIsPastTheLedgerIsChargedItsReservation() {
        String marker = unique("dear");
        ObjectNode chunk = JSON.createObjectNode().put("id", "chatcmpl-given").put("object", "chat.completion.chunk")
                .put("created", 1).put("model", "up-given");
        chunk.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta")
                .put("content", "Hello");
        ObjectNode usage = chunk.deepCopy();
        usage.putArray("choices");
        try {
            usage.set("usage", JSON.readTree(USAGE));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        upstream().give(marker, List.of(chunk.toString(), usage.toString()), FakeUpstream.End.DONE);

        Http.Response response = http().post("/v1/chat/completions", key(), Map.of("model", "gpt-given-dear",
                "stream", true, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", marker))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("Hello").endsWith("data: [DONE]\n\n");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("settled");
        assertThat(new BigDecimal(row.path("cost").asText())).isPositive()
                .isEqualByComparingTo(response.header("x-tollgate-reserved"));
    }

    private String key() {
        return newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
    }
}
