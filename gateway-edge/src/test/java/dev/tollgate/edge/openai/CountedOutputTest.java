package dev.tollgate.edge.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tollgate.edge.support.FakeUpstream;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an upstream generated is counted as output wherever Tollgate counts it (a stream that ends without the
 * upstream's usage, a whole answer without one, the output tokens granted to a stream): legacy function calls and
 * refusals in chat, every output delta and output item of the Responses API, and not the prompt a legacy completion
 * echoes. The upstream streams or answers what each test gives it ({@link FakeUpstream#give}).
 */
class CountedOutputTest extends GatewayTestSupport {

    private static final TokenCounter TOKENS = new TokenCounter();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tollgate's tokenizer, to write prompts as token ids. */
    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    @Test
    void aLegacyFunctionCallStreamCutBeforeItsUsageIsChargedForTheCallItStreamed() {
        String marker = unique("call");
        upstream().give(marker, List.of(
                chatChunk(Map.of("role", "assistant", "function_call", Map.of("name", "get_weather", "arguments", ""))),
                chatChunk(Map.of("function_call", Map.of("arguments", "{\"city\":"))),
                chatChunk(Map.of("function_call", Map.of("arguments", "\"Paris, France\"}")))), FakeUpstream.End.CUT);

        Http.Response response = http().post("/v1/chat/completions", key(), withFunctions(Map.of("model", "gpt-given",
                "stream", true, "messages", List.of(Map.of("role", "user", "content", "Weather? " + marker)))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("Paris").doesNotContain("[DONE]");
        JsonNode usage = messageCost(response.header("x-request-id")).path("usage");
        assertThat(usage.path("completion_tokens").asLong()).as(usage.toString())
                .isEqualTo(TOKENS.text("get_weather{\"city\":\"Paris, France\"}"));
    }

    @Test
    void aLegacyFunctionCallStreamIsStoppedAtTheOutputTokensGranted() {
        String marker = unique("call");
        List<String> events = new ArrayList<>();
        events.add(chatChunk(Map.of("role", "assistant", "function_call", Map.of("name", "w", "arguments", ""))));
        for (int i = 0; i < 30; i++) {
            events.add(chatChunk(Map.of("function_call", Map.of("arguments", " word"))));
        }
        upstream().give(marker, events, FakeUpstream.End.DONE);

        Http.Response response = http().post("/v1/chat/completions", key(), withFunctions(Map.of("model", "gpt-given",
                "stream", true, "max_tokens", 5, "messages", List.of(Map.of("role", "user", "content", marker)))));

        assertThat(response.status()).isEqualTo(200);
        int relayed = response.body().split("\" word\"", -1).length - 1;
        assertThat(relayed).as(response.body()).isLessThanOrEqualTo(5);
        JsonNode usage = messageCost(response.header("x-request-id")).path("usage");
        assertThat(usage.path("completion_tokens").asLong()).as(usage.toString())
                .isEqualTo(TOKENS.text("w" + " word".repeat(relayed))).isLessThanOrEqualTo(5);
    }

    @Test
    void theEventThatGoesPastTheGrantIsChargedThoughNotSentButNeverPastTheGrant() {
        String marker = unique("past");
        String three = " one two three";
        assertThat(TOKENS.text(three)).isEqualTo(3);
        upstream().give(marker, List.of(chatChunk(Map.of("role", "assistant", "content", three)),
                chatChunk(Map.of("content", three)), chatChunk(Map.of("content", three))), FakeUpstream.End.DONE);

        Http.Response response = http().post("/v1/chat/completions", key(), Map.of("model", "gpt-given",
                "stream", true, "max_tokens", 5, "messages", List.of(Map.of("role", "user", "content", marker))));

        // 3 tokens sent; the next 3 would make 6 of the 5 granted: not sent, but generated and billed upstream
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().split(three, -1).length - 1).as(response.body()).isEqualTo(1);
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString()).isEqualTo(5);
        assertThat(new java.math.BigDecimal(row.path("cost").asText()))
                .isLessThanOrEqualTo(new java.math.BigDecimal(row.path("reserved").asText()));
    }

    @Test
    void aRefusalStreamedBeforeTheStreamIsCutIsCharged() {
        String marker = unique("refusal");
        upstream().give(marker, List.of(chatChunk(Map.of("role", "assistant", "refusal", "")),
                chatChunk(Map.of("refusal", "I'm sorry, ")), chatChunk(Map.of("refusal", "I cannot help with that."))),
                FakeUpstream.End.CUT);

        Http.Response response = http().post("/v1/chat/completions", key(), Map.of("model", "gpt-given",
                "stream", true, "messages", List.of(Map.of("role", "user", "content", marker))));

        assertThat(response.status()).isEqualTo(200);
        JsonNode usage = messageCost(response.header("x-request-id")).path("usage");
        assertThat(usage.path("completion_tokens").asLong()).as(usage.toString())
                .isEqualTo(TOKENS.text("I'm sorry, I cannot help with that."));
    }

    @Test
    void aWholeChatAnswerWithoutUsageIsChargedForItsLegacyFunctionCallAndItsRefusal() throws Exception {
        String marker = unique("whole");
        JsonNode call = JSON.createObjectNode().put("name", "get_weather")
                .put("arguments", "{\"city\":\"Paris, France\"}");
        upstream().giveWhole(marker, json(Map.of("id", "chatcmpl-given", "object", "chat.completion", "created", 1,
                "model", "up-given", "choices", List.of(
                        Map.of("index", 0, "finish_reason", "function_call",
                                "message", Map.of("role", "assistant", "function_call", call)),
                        Map.of("index", 1, "finish_reason", "stop",
                                "message", Map.of("role", "assistant", "refusal", "I can't help with that."))))));

        Http.Response answer = http().post("/v1/chat/completions", key(), withFunctions(Map.of("model", "gpt-given",
                "n", 2, "messages", List.of(Map.of("role", "user", "content", marker)))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // the call counted as tool calls are, whole; the refusal as its text
        long expected = TOKENS.text(call.toString()) + TOKENS.text("I can't help with that.");
        assertThat(answer.json().path("usage").path("completion_tokens").asLong()).isEqualTo(expected);
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString()).isEqualTo(expected);
    }

    @Test
    void aResponseStreamCutAfterToolInputsAndARefusalIsChargedForThem() {
        String marker = unique("responses");
        List<String> deltas = List.of("print('hello')", "{\"query\":\"budgets\"}", "I can't do that.");
        upstream().give(marker, List.of(
                responseEvent("response.custom_tool_call_input.delta", deltas.get(0)),
                responseEvent("response.mcp_call_arguments.delta", deltas.get(1)),
                responseEvent("response.refusal.delta", deltas.get(2))), FakeUpstream.End.CUT);

        Http.Response response = http().post("/v1/responses", key(), Map.of("model", "gpt-given", "stream", true,
                "input", marker));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("response.refusal.delta");
        JsonNode usage = messageCost(response.header("x-request-id")).path("usage");
        assertThat(usage.path("completion_tokens").asLong()).as(usage.toString())
                .isEqualTo(TOKENS.text(String.join("", deltas)));
    }

    @Test
    void aResponseStreamLeftAfterAnApplyPatchDiffBeforeItsUsageIsChargedForTheDiff() {
        String marker = unique("patch");
        List<String> diff = List.of("@@ def main():\n-    print('hi')\n", "+    print('hello, world')\n");
        upstream().give(marker, List.of(
                json(Map.of("type", "response.output_item.added", "sequence_number", 1, "output_index", 0,
                        "item", Map.of("type", "apply_patch_call", "id", "apc_1", "call_id", "call_1",
                                "status", "in_progress", "operation", Map.of("type", "update_file",
                                        "path", "main.py", "diff", "")))),
                responseEvent("response.apply_patch_call_operation_diff.delta", diff.get(0)),
                responseEvent("response.apply_patch_call_operation_diff.delta", diff.get(1)),
                json(Map.of("type", "response.apply_patch_call_operation_diff.done", "sequence_number", 4,
                        "item_id", "apc_1", "output_index", 0, "diff", String.join("", diff)))),
                FakeUpstream.End.CUT);

        Http.Response response = http().post("/v1/responses", key(), Map.of("model", "gpt-given", "stream", true,
                "input", marker, "tools", List.of(Map.of("type", "apply_patch"))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("response.apply_patch_call_operation_diff.done");
        JsonNode usage = messageCost(response.header("x-request-id")).path("usage");
        assertThat(usage.path("completion_tokens").asLong()).as(usage.toString())
                .isEqualTo(TOKENS.text(String.join("", diff)));
    }

    @Test
    void aWholeResponseWithoutUsageIsChargedForTheDiffsOfItsApplyPatchCalls() throws Exception {
        String marker = unique("patch");
        String update = "@@ def main():\n-    print('hi')\n+    print('hello, world')\n";
        String create = "+# Shopping\n+- apples\n+- pears\n";
        Map<String, Object> response = new HashMap<>(Map.of("id", "resp_given", "object", "response",
                "status", "completed", "model", "up-given", "output", List.of(
                        Map.of("type", "apply_patch_call", "id", "apc_1", "call_id", "call_1", "status", "completed",
                                "operation", Map.of("type", "update_file", "path", "main.py", "diff", update)),
                        Map.of("type", "apply_patch_call", "id", "apc_2", "call_id", "call_2", "status", "completed",
                                "operation", Map.of("type", "create_file", "path", "shopping.md", "diff", create)),
                        Map.of("type", "apply_patch_call", "id", "apc_3", "call_id", "call_3", "status", "completed",
                                "operation", Map.of("type", "delete_file", "path", "old.md")))));
        response.put("usage", null);
        upstream().giveWhole(marker, json(response));

        Http.Response answer = http().post("/v1/responses", key(), Map.of("model", "gpt-given", "input", marker,
                "tools", List.of(Map.of("type", "apply_patch"))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long output = TOKENS.text(update + create);
        assertThat(answer.json().path("usage").path("output_tokens").asLong()).isEqualTo(output);
        JsonNode row = messageCost(answer.header("x-request-id")).path("usage");
        assertThat(row.path("completion_tokens").asLong()).as(row.toString()).isEqualTo(output);
    }

    @Test
    void aWholeResponseWithoutUsageIsChargedForItsReasoningAsReasoningAndForItsCallsAndRefusal() throws Exception {
        String marker = unique("responses");
        String thought = "Weighing the question at length";
        String summary = " and summing it up";
        String arguments = "{\"city\":\"Paris\"}";
        String input = "print('hello')";
        String refusal = "I can't do that.";
        Map<String, Object> response = new HashMap<>(Map.of("id", "resp_given", "object", "response",
                "status", "completed", "model", "up-given", "output", List.of(
                        Map.of("type", "reasoning", "id", "rs_1",
                                "content", List.of(Map.of("type", "reasoning_text", "text", thought)),
                                "summary", List.of(Map.of("type", "summary_text", "text", summary))),
                        Map.of("type", "function_call", "id", "fc_1", "call_id", "call_1", "name", "weather",
                                "arguments", arguments),
                        Map.of("type", "custom_tool_call", "id", "ctc_1", "call_id", "call_2", "name", "python",
                                "input", input),
                        Map.of("type", "message", "id", "msg_1", "role", "assistant",
                                "content", List.of(Map.of("type", "refusal", "refusal", refusal))))));
        response.put("usage", null);
        upstream().giveWhole(marker, json(response));

        Http.Response answer = http().post("/v1/responses", key(), Map.of("model", "gpt-given", "input", marker));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long reasoning = TOKENS.text(thought + summary);
        long output = TOKENS.text(arguments + input + refusal) + reasoning;
        JsonNode usage = answer.json().path("usage");
        assertThat(usage.path("output_tokens").asLong()).as(usage.toString()).isEqualTo(output);
        assertThat(usage.path("output_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(reasoning);
        JsonNode row = messageCost(answer.header("x-request-id")).path("usage");
        assertThat(row.path("completion_tokens").asLong()).as(row.toString()).isEqualTo(output);
        assertThat(row.path("reasoning_tokens").asLong()).isEqualTo(reasoning);
    }

    @Test
    void theUsageChunkTollgateWritesForAModelThatHidesItsReasoningShowsWhatIsCharged() throws Exception {
        String marker = unique("hidden stream");
        upstream().give(marker, List.of(chatChunk(Map.of("role", "assistant", "content", "Hello")),
                chatChunk(Map.of("content", " world"))), FakeUpstream.End.DONE);

        Http.Response response = http().post("/v1/chat/completions", key(), Map.of("model",
                "gpt-given-hidden-reasoning", "stream", true, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", marker))));

        // the upstream sent no usage: the chunk Tollgate writes in its place shows the grant charged, not the 2 shown
        assertThat(response.status()).isEqualTo(200);
        String usageLine = response.body().lines().filter(line -> line.contains("\"usage\":{")).findFirst()
                .orElseThrow(() -> new AssertionError(response.body()));
        JsonNode usage = JSON.readTree(usageLine.substring(usageLine.indexOf('{'))).path("usage");
        assertThat(usage.path("completion_tokens").asLong()).as(usageLine).isEqualTo(300);
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong())
                .isEqualTo(300 - TOKENS.text("Hello world"));
        assertThat(messageCost(response.header("x-request-id")).path("usage").path("completion_tokens").asLong())
                .isEqualTo(300);
    }

    @Test
    void aWholeAnswerWithoutUsageOfAModelThatHidesItsReasoningIsChargedItsGrant() throws Exception {
        String chatMarker = unique("hidden");
        upstream().giveWhole(chatMarker, json(Map.of("id", "chatcmpl-given", "object", "chat.completion",
                "created", 1, "model", "up-given", "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", "Hello world"))))));
        String responseMarker = unique("hidden");
        Map<String, Object> response = new HashMap<>(Map.of("id", "resp_given", "object", "response",
                "status", "completed", "model", "up-given", "output", List.of(Map.of("type", "message",
                        "id", "msg_1", "role", "assistant", "content",
                        List.of(Map.of("type", "output_text", "text", "Hello world"))))));
        response.put("usage", null);
        upstream().giveWhole(responseMarker, json(response));

        Http.Response chat = http().post("/v1/chat/completions", key(), Map.of("model", "gpt-given-hidden-reasoning",
                "messages", List.of(Map.of("role", "user", "content", chatMarker))));
        Http.Response responses = http().post("/v1/responses", key(), Map.of("model", "gpt-given-hidden-reasoning",
                "input", responseMarker));

        // "Hello world" shown (2 tokens); what it reasoned is unknown: the 300 granted are charged, as for a stream
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        assertThat(chat.json().path("usage").path("completion_tokens").asLong()).isEqualTo(300);
        assertThat(chat.json().path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong())
                .isEqualTo(300 - TOKENS.text("Hello world"));
        assertThat(messageCost(chat.header("x-request-id")).path("usage").path("completion_tokens").asLong())
                .isEqualTo(300);
        assertThat(responses.status()).as(responses.body()).isEqualTo(200);
        assertThat(responses.json().path("usage").path("output_tokens").asLong()).isEqualTo(300);
        assertThat(messageCost(responses.header("x-request-id")).path("usage").path("completion_tokens").asLong())
                .isEqualTo(300);
    }

    @Test
    void theEchoedPromptOfALegacyCompletionIsNotOutputOfItsStreamNorOfItsWholeAnswer() throws Exception {
        String streamed = unique("echo") + " The quick brown fox jumps over the lazy dog.".repeat(4);
        upstream().give(streamed, List.of(completionChunk(streamed + "Once"), completionChunk(" upon"),
                completionChunk(" a time")), FakeUpstream.End.DONE);
        String whole = unique("echo") + " The quick brown fox jumps over the lazy dog.".repeat(4);
        upstream().giveWhole(whole, json(Map.of("id", "cmpl-given", "object", "text_completion", "created", 1,
                "model", "up-given", "choices", List.of(Map.of("index", 0, "text", whole + "Once upon a time",
                        "finish_reason", "length")))));
        assertThat(TOKENS.text(streamed)).as("past the 16 tokens granted without max_tokens").isGreaterThan(16);

        Http.Response stream = http().post("/v1/completions", key(), Map.of("model", "gpt-given", "stream", true,
                "echo", true, "prompt", streamed));
        Http.Response answer = http().post("/v1/completions", key(), Map.of("model", "gpt-given", "echo", true,
                "prompt", whole));

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.body()).contains(" a time").endsWith("data: [DONE]\n\n");
        long output = TOKENS.text("Once upon a time");
        assertThat(messageCost(stream.header("x-request-id")).path("usage").path("completion_tokens").asLong())
                .isEqualTo(output);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("usage").path("completion_tokens").asLong()).isEqualTo(output);
    }

    @Test
    void theEchoOfAPromptGivenAsTokenIdsIsNotOutputWhereTollgatesTokenizerDecodesIt() throws Exception {
        String text = "Tell me the story. The quick brown fox jumps over the lazy dog.".repeat(4);
        List<Integer> ids = O200K.encode(text).boxed();
        assertThat(ids).as("past the 16 tokens granted without max_tokens").hasSizeGreaterThan(16);
        String streamed = unique("ids");
        upstream().give(streamed, List.of(completionChunk(text + "Once"), completionChunk(" upon"),
                completionChunk(" a time")), FakeUpstream.End.DONE);
        String whole = unique("ids");
        upstream().giveWhole(whole, json(Map.of("id", "cmpl-given", "object", "text_completion", "created", 1,
                "model", "up-given", "choices", List.of(Map.of("index", 0, "text", text + "Once upon a time",
                        "finish_reason", "length")))));

        Http.Response stream = http().post("/v1/completions", key(), Map.of("model", "gpt-given", "stream", true,
                "echo", true, "prompt", ids, "user", streamed));
        Http.Response answer = http().post("/v1/completions", key(), Map.of("model", "gpt-given", "echo", true,
                "prompt", List.of(ids), "user", whole));

        // the upstream echoed the ids decoded as Tollgate decodes them: the echo is taken off, the stream goes on
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.body()).contains(" a time").endsWith("data: [DONE]\n\n");
        long output = TOKENS.text("Once upon a time");
        assertThat(messageCost(stream.header("x-request-id")).path("usage").path("completion_tokens").asLong())
                .isEqualTo(output);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("usage").path("completion_tokens").asLong()).isEqualTo(output);
    }

    @Test
    void theEchoOfTokenIdsDecodedOtherwiseUpstreamIsCountedWholeAndDoesNotCutTheStream() {
        List<Integer> ids = O200K.encode("Tell me the story. ".repeat(10)).boxed();
        // what an upstream with another tokenizer makes of the same ids (cl100k, a vLLM model's own)
        String decodedUpstream = "Quelle histoire, dit le renard brun au chien paresseux. ".repeat(4);
        String marker = unique("other tokenizer");
        upstream().give(marker, List.of(completionChunk(decodedUpstream + "Once"), completionChunk(" upon"),
                completionChunk(" a time")), FakeUpstream.End.DONE);
        assertThat(TOKENS.text(decodedUpstream)).as("past the 16 tokens granted").isGreaterThan(16);

        Http.Response stream = http().post("/v1/completions", key(), Map.of("model", "gpt-given", "stream", true,
                "echo", true, "prompt", ids, "user", marker));

        // the echo cannot be told from the output: counted with it (never below the bill), and not cut at the grant
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.body()).contains(" a time").endsWith("data: [DONE]\n\n");
        assertThat(messageCost(stream.header("x-request-id")).path("usage").path("completion_tokens").asLong())
                .isEqualTo(TOKENS.text(decodedUpstream + "Once upon a time"));
    }

    @Test
    void echoWithMaxTokensZeroIsRefusedAsAnyMaxTokensThatIsNotPositive() {
        Http.Response refused = http().post("/v1/completions", key(), Map.of("model", "gpt-given", "echo", true,
                "max_tokens", 0, "prompt", "Score this prompt"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").path("param").asText()).isEqualTo("max_tokens");
    }

    private String key() {
        return newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
    }

    /** The request with the legacy {@code functions}, calling {@code get_weather}. */
    private static Map<String, Object> withFunctions(Map<String, Object> request) {
        Map<String, Object> body = new HashMap<>(request);
        body.put("functions", List.of(Map.of("name", "get_weather", "parameters", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string"))))));
        body.put("function_call", Map.of("name", "get_weather"));
        return body;
    }

    private static String chatChunk(Map<String, Object> delta) {
        Map<String, Object> choice = new HashMap<>(Map.of("index", 0, "delta", delta));
        choice.put("finish_reason", null);
        return json(Map.of("id", "chatcmpl-given", "object", "chat.completion.chunk", "created", 1,
                "model", "up-given", "choices", List.of(choice)));
    }

    private static String completionChunk(String text) {
        Map<String, Object> choice = new HashMap<>(Map.of("index", 0, "text", text));
        choice.put("finish_reason", null);
        return json(Map.of("id", "cmpl-given", "object", "text_completion", "created", 1, "model", "up-given",
                "choices", List.of(choice)));
    }

    private static String responseEvent(String type, String delta) {
        return json(Map.of("type", type, "sequence_number", 1, "item_id", "item_1", "output_index", 0,
                "delta", delta));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
