package dev.tollgate.edge.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.support.FakeUpstream;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream's usage with a count that is negative, not an integer, or absurd (above
 * {@link dev.tollgate.edge.wire.UsageReader#MOST_TOKENS}) is no usage: the answer is counted by Tollgate, as when the
 * upstream sends none, on every route and path that reads usage (whole answers read by the splice or by their tree,
 * streams, the responses API, images). Never a negative cost, never a 500, never a count wrapped by {@code asLong}.
 * The upstream answers what each test gives it ({@link FakeUpstream#give}, {@link FakeUpstream#giveWhole}).
 */
class UnbelievedUsageTest extends GatewayTestSupport {

    private static final TokenCounter TOKENS = new TokenCounter();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "Hello there, world";

    /** Counts no upstream bills: negative, fractional, a string, past the bound, past a long (2^64 + 5). */
    private static final List<String> UNBELIEVED = List.of("-500", "12.5", "\"20\"", "2000000000",
            "18446744073709551621", "9000000000000000000");

    @Test
    void aWholeChatAnswerWithAnUnbelievedCompletionCountIsChargedItsCountedText() throws Exception {
        String key = key();
        for (String count : UNBELIEVED) {
            String marker = unique("whole");
            upstream().giveWhole(marker, wholeAnswer("\"prompt_tokens\":12,\"completion_tokens\":" + count
                    + ",\"total_tokens\":30"));

            Http.Response answer = http().post("/v1/chat/completions", key, Map.of("model", "gpt-given",
                    "messages", List.of(Map.of("role", "user", "content", marker))));

            assertThat(answer.status()).as(count + ": " + answer.body()).isEqualTo(200);
            JsonNode usage = answer.json().path("usage");
            assertThat(usage.path("completion_tokens").asLong()).as(count + ": " + usage)
                    .isEqualTo(TOKENS.text(ANSWER));
            assertCharged(answer.header("x-request-id"), answer.header("x-tollgate-cost"), count);
            assertThat(usage.path("cost").decimalValue()).as(count)
                    .isEqualByComparingTo(new BigDecimal(answer.header("x-tollgate-cost")));
        }
    }

    @Test
    void aWholeChatAnswerWithAnUnbelievedPromptCountIsChargedItsCountedPrompt() {
        String key = key();
        for (String count : UNBELIEVED) {
            String marker = unique("prompt");
            upstream().giveWhole(marker, wholeAnswer("\"prompt_tokens\":" + count
                    + ",\"completion_tokens\":4,\"total_tokens\":30"));

            Http.Response answer = http().post("/v1/chat/completions", key, Map.of("model", "gpt-given",
                    "messages", List.of(Map.of("role", "user", "content", marker))));

            assertThat(answer.status()).as(count + ": " + answer.body()).isEqualTo(200);
            JsonNode usage = answer.json().path("usage");
            assertThat(usage.path("prompt_tokens").asLong()).as(count + ": " + usage).isPositive().isLessThan(100);
            assertCharged(answer.header("x-request-id"), answer.header("x-tollgate-cost"), count);
        }
    }

    @Test
    void aStreamsUsageWithANegativeCompletionCountIsReplacedByTheCountedOne() throws Exception {
        String marker = unique("stream");
        ObjectNode usageChunk = JSON.createObjectNode().put("id", "chatcmpl-given")
                .put("object", "chat.completion.chunk").put("created", 1).put("model", "up-given");
        usageChunk.putArray("choices");
        usageChunk.putObject("usage").put("prompt_tokens", 12).put("completion_tokens", -500)
                .put("total_tokens", -488);
        upstream().give(marker, List.of(chatChunk("Hello there,"), chatChunk(" world"), usageChunk.toString()),
                FakeUpstream.End.DONE);

        Http.Response response = http().post("/v1/chat/completions", key(), Map.of("model", "gpt-given",
                "stream", true, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", marker))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("-500").doesNotContain("-488").endsWith("data: [DONE]\n\n");
        List<String> usageLines = response.body().lines().filter(line -> line.contains("\"usage\":{")).toList();
        assertThat(usageLines).as(response.body()).hasSize(1);
        JsonNode usage = JSON.readTree(usageLines.get(0).substring(usageLines.get(0).indexOf('{'))).path("usage");
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(TOKENS.text(ANSWER));
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(TOKENS.text(ANSWER));
        assertThat(new BigDecimal(row.path("cost").asText())).isPositive()
                .isEqualByComparingTo(usage.path("cost").decimalValue());

        // a client that did not ask for usage is not sent the usage chunk emptied of it: no chunk without choices
        String unasked = unique("stream");
        upstream().give(unasked, List.of(chatChunk("Hello there,"), chatChunk(" world"), usageChunk.toString()),
                FakeUpstream.End.DONE);
        Http.Response plain = http().post("/v1/chat/completions", key(), Map.of("model", "gpt-given",
                "stream", true, "messages", List.of(Map.of("role", "user", "content", unasked))));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.body()).as(plain.body()).doesNotContain("\"choices\":[]").doesNotContain("-500")
                .endsWith("data: [DONE]\n\n");
    }

    @Test
    void aResponseWithANegativeOutputCountIsChargedItsCountedOutputWholeAndStreamed() throws Exception {
        String wholeMarker = unique("responses");
        Map<String, Object> response = new HashMap<>(Map.of("id", "resp_given", "object", "response",
                "status", "completed", "model", "up-given", "output", List.of(Map.of("type", "message",
                        "id", "msg_1", "role", "assistant", "content",
                        List.of(Map.of("type", "output_text", "text", ANSWER)))),
                "usage", Map.of("input_tokens", 12, "output_tokens", -700, "total_tokens", -688)));
        upstream().giveWhole(wholeMarker, json(response));
        String streamMarker = unique("responses");
        upstream().give(streamMarker, List.of(
                json(Map.of("type", "response.output_text.delta", "sequence_number", 1, "item_id", "msg_1",
                        "output_index", 0, "content_index", 0, "delta", ANSWER)),
                json(Map.of("type", "response.completed", "sequence_number", 2, "response", response))),
                FakeUpstream.End.DONE);

        Http.Response whole = http().post("/v1/responses", key(), Map.of("model", "gpt-given", "input",
                wholeMarker));
        Http.Response streamed = http().post("/v1/responses", key(), Map.of("model", "gpt-given", "stream", true,
                "input", streamMarker));

        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        assertThat(whole.json().path("usage").path("output_tokens").asLong()).isEqualTo(TOKENS.text(ANSWER));
        assertCharged(whole.header("x-request-id"), whole.header("x-tollgate-cost"), "whole");
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.body()).contains("response.completed").doesNotContain("-700");
        JsonNode row = messageCost(streamed.header("x-request-id"));
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString())
                .isEqualTo(TOKENS.text(ANSWER));
        assertThat(new BigDecimal(row.path("cost").asText())).isPositive();
    }

    @Test
    void anImageAnswerWithANegativeOutputCountIsChargedItsCountedPromptAndItsImagesReservedOutput() {
        String marker = unique("image");
        upstream().giveWhole(marker, "{\"created\":1,\"data\":[{\"b64_json\":\"iVBORw0KGgo=\"}],"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":-5000,\"total_tokens\":-4990}}");

        Http.Response answer = http().post("/v1/images/generations", key(), Map.of("model", "image-given",
                "prompt", "a lighthouse " + marker));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("-5000");
        assertCharged(answer.header("x-request-id"), answer.header("x-tollgate-cost"), "image");
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("usage").path("prompt_tokens").asLong())
                .isEqualTo(TOKENS.text("a lighthouse " + marker));
        // the upstream billed output tokens for the image it returned: the most reserved for one (max-output-tokens)
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString()).isEqualTo(6240);
    }

    /** A whole chat completion answering {@link #ANSWER}, with the usage fields {@code usage}. */
    private static String wholeAnswer(String usage) {
        return "{\"id\":\"chatcmpl-given\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"up-given\","
                + "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"" + ANSWER + "\"}}],\"usage\":{" + usage + "}}";
    }

    /** Settled at a positive cost, the one the client was shown. */
    private void assertCharged(String requestId, String shownCost, String what) {
        assertThat(new BigDecimal(shownCost)).as(what).isPositive();
        JsonNode row = messageCost(requestId);
        assertThat(row.path("outcome").asText()).as(what + ": " + row).isEqualTo("settled");
        assertThat(new BigDecimal(row.path("cost").asText())).as(what + ": " + row)
                .isEqualByComparingTo(new BigDecimal(shownCost));
    }

    private String key() {
        return newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
    }

    private static String chatChunk(String content) {
        Map<String, Object> choice = new HashMap<>(Map.of("index", 0, "delta", Map.of("content", content)));
        choice.put("finish_reason", null);
        return json(Map.of("id", "chatcmpl-given", "object", "chat.completion.chunk", "created", 1,
                "model", "up-given", "choices", List.of(choice)));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
