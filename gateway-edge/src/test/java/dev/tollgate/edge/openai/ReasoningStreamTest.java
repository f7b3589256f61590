package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.FakeUpstream;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reasoning that an upstream streams as text ({@code reasoning_content}, {@code reasoning}, the responses API's
 * reasoning deltas) is output it bills: the relay counts it like the answer, both where a stream is stopped at the
 * output tokens granted and where a stream without usage is settled (a cut, a client that went away).
 */
class ReasoningStreamTest extends GatewayTestSupport {

    private static final TokenCounter TOKENS = new TokenCounter();

    @Test
    void aStreamOfReasoningPastTheGrantIsCutThereAndSettledWithIt() {
        String key = newUserKey(newUser(newTeam("1", "1", "clamp"), null), List.of());

        Http.Response answer = http().post("/v1/chat/completions", key, Map.of("model", "gpt-reasoning-overrun",
                "stream", true, "max_tokens", 10, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", "Think for sixty words"))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // the upstream reasoned 60 one-token chunks; the client got the 10 granted, then its usage and [DONE]
        assertThat(answer.body().split("\"reasoning_content\":\" word\"", -1)).hasSize(11);
        assertThat(answer.body()).contains("\"completion_tokens\":10", "\"reasoning_tokens\":10")
                .endsWith("data: [DONE]\n\n");
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString()).isEqualTo(10);
        assertThat(new BigDecimal(row.path("cost").asText()))
                .isLessThanOrEqualTo(new BigDecimal(row.path("reserved").asText()));
    }

    @Test
    void aClientThatLeavesAfterReasoningWasRelayedIsChargedForThatReasoning() throws Exception {
        int[] reasoning = {0};
        JsonNode row = leaveAfter("gpt-slow-reasoning", line -> line.contains("\"reasoning\":\" word\"")
                && ++reasoning[0] == FakeUpstream.SLOW_REASONING_TOKENS);

        assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("settled");
        JsonNode usage = row.path("usage");
        assertThat(usage.path("completion_tokens").asLong()).as(row.toString())
                .isEqualTo(FakeUpstream.SLOW_REASONING_TOKENS);
        assertThat(usage.path("reasoning_tokens").asLong()).isEqualTo(FakeUpstream.SLOW_REASONING_TOKENS);
        // the counted prompt at 1 per million, the reasoning at the reasoning price, 4 per million
        BigDecimal expected = new BigDecimal(BigInteger.valueOf(usage.path("prompt_tokens").asLong()
                + 4L * FakeUpstream.SLOW_REASONING_TOKENS), 6);
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo(expected);
    }

    @Test
    void aModelThatHidesItsReasoningIsChargedItsGrantWhenItsStreamIsCutBeforeItsUsage() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());

        Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-hidden-reasoning-cut",
                "stream", true, "messages", List.of(Map.of("role", "user", "content", "Think hard"))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("Hello").doesNotContain("[DONE]");
        JsonNode usage = messageCost(response.header("x-request-id")).path("usage");
        // "Hello world" relayed (2 tokens); what it reasoned before is unknown: the 300 granted are charged
        assertThat(usage.path("completion_tokens").asLong()).as(usage.toString()).isEqualTo(300);
        assertThat(usage.path("reasoning_tokens").asLong()).isEqualTo(300 - TOKENS.text("Hello world"));
    }

    @Test
    void aClientThatLeavesAModelThatHidesItsReasoningIsChargedTheGrant() throws Exception {
        JsonNode row = leaveAfter("gpt-hidden-reasoning-slow", line -> line.contains("Hello"));

        assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("settled");
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString()).isEqualTo(300);
    }

    @Test
    void aWholeAnswerWithoutUsageIsChargedForTheReasoningItCarries() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());

        Http.Response answer = http().post("/v1/chat/completions", key, Map.of("model", "gpt-terse-reasoning",
                "max_tokens", 200, "messages", List.of(Map.of("role", "user", "content", "Think"))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long reasoning = TOKENS.text(FakeUpstream.WHOLE_REASONING);
        JsonNode usage = answer.json().path("usage");
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(TOKENS.text("word word word word word")
                + reasoning);
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(reasoning);
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("usage").path("reasoning_tokens").asLong()).as(row.toString()).isEqualTo(reasoning);
    }

    @Test
    void aResponseStreamCutAfterReasoningDeltasIsChargedForThem() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());

        Http.Response response = http().post("/v1/responses", key, Map.of("model", "gpt-reasoning-cut",
                "stream", true, "input", "Hello"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("response.reasoning_summary_text.delta", "response.reasoning_text.delta")
                .doesNotContain("response.completed");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        long reasoning = TOKENS.text(String.join("", FakeUpstream.REASONING_DELTAS));
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString())
                .isEqualTo(reasoning + TOKENS.text("Hello world"));
    }

    /**
     * Streams a chat request to {@code model}, whose upstream holds its stream after its first events; reads events
     * until {@code enough} says so, then leaves. Answers the request's spend row, settled on the disconnect while the
     * upstream still held the rest of its answer and its usage.
     */
    private JsonNode leaveAfter(String model, Predicate<String> enough) throws Exception {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        upstream().holdNextStream();
        try {
            String requestId = leaveStream(key, "{\"model\":\"" + model + "\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Think\"}]}", enough);
            return messageCost(requestId);
        } finally {
            upstream().releaseStream();
        }
    }
}
