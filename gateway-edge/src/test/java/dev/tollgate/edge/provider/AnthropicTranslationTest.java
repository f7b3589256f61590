package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.provider.anthropic.AnthropicRequests;
import dev.tollgate.edge.provider.anthropic.AnthropicResponses;
import dev.tollgate.edge.provider.anthropic.AnthropicStream;
import dev.tollgate.edge.provider.anthropic.UnsupportedRequest;
import dev.tollgate.edge.support.Config;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.tollgate.edge.provider.Recorded.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chat completions to and from Anthropic's Messages API, on recorded bodies. */
class AnthropicTranslationTest {

    @Test
    void aChatRequestBecomesTheMessagesRequestAnthropicDocuments() throws Exception {
        ObjectNode chat = (ObjectNode) Recorded.json("anthropic/request-openai.json");

        ObjectNode messages = AnthropicRequests.toMessages(chat, 4096, JSON);

        // compared as sent on the wire: the JSON text read back
        assertThat(JSON.readTree(messages.toString())).isEqualTo(Recorded.json("anthropic/request-expected.json"));
    }

    @Test
    void maxTokensIsAlwaysSentBecauseAnthropicRequiresIt() {
        ObjectNode chat = JSON.createObjectNode().put("model", "claude");
        chat.putArray("messages").addObject().put("role", "user").put("content", "Hi");

        assertThat(AnthropicRequests.toMessages(chat, 8192, JSON).path("max_tokens").asLong())
                .as("the model's max-output-tokens when the client set none").isEqualTo(8192);
        chat.put("max_tokens", 77);
        assertThat(AnthropicRequests.toMessages(chat, 8192, JSON).path("max_tokens").asLong()).isEqualTo(77);
        chat.put("max_completion_tokens", 55);
        assertThat(AnthropicRequests.toMessages(chat, 8192, JSON).path("max_tokens").asLong()).isEqualTo(55);
        assertThat(AnthropicRequests.toMessages(chat, 8192, JSON).get("messages").get(0).get("content").get(0)
                .path("text").asText()).isEqualTo("Hi");
    }

    @Test
    void whatTheMessagesApiCannotSayIsRefusedNamingTheField() {
        ObjectNode chat = JSON.createObjectNode().put("model", "claude");
        chat.putArray("messages").addObject().put("role", "user").put("content", "Hi");

        ObjectNode twoChoices = chat.deepCopy().put("n", 2);
        assertThatThrownBy(() -> AnthropicRequests.toMessages(twoChoices, 10, JSON))
                .isInstanceOfSatisfying(UnsupportedRequest.class, e -> assertThat(e.param()).isEqualTo("n"));
        ObjectNode json = chat.deepCopy();
        json.putObject("response_format").put("type", "json_schema");
        assertThatThrownBy(() -> AnthropicRequests.toMessages(json, 10, JSON))
                .isInstanceOfSatisfying(UnsupportedRequest.class,
                        e -> assertThat(e.param()).isEqualTo("response_format"));
        ObjectNode audio = chat.deepCopy();
        ((ObjectNode) audio.get("messages").get(0)).putArray("content").addObject().put("type", "input_audio");
        assertThatThrownBy(() -> AnthropicRequests.toMessages(audio, 10, JSON))
                .isInstanceOfSatisfying(UnsupportedRequest.class,
                        e -> assertThat(e.param()).isEqualTo("messages[0].content[0].type"));
    }

    @Test
    void contentOrToolCallsOfAnotherShapeThanOpenAisAreRefusedNamingTheField() {
        ObjectNode objectContent = JSON.createObjectNode().put("model", "claude");
        objectContent.putArray("messages").addObject().put("role", "user").putObject("content").put("a", 1);
        assertThatThrownBy(() -> AnthropicRequests.toMessages(objectContent, 10, JSON))
                .isInstanceOfSatisfying(UnsupportedRequest.class,
                        e -> assertThat(e.param()).isEqualTo("messages[0].content"));
        ObjectNode objectCalls = JSON.createObjectNode().put("model", "claude");
        objectCalls.putArray("messages").addObject().put("role", "assistant").putObject("tool_calls").put("x", 1);
        assertThatThrownBy(() -> AnthropicRequests.toMessages(objectCalls, 10, JSON))
                .isInstanceOfSatisfying(UnsupportedRequest.class,
                        e -> assertThat(e.param()).isEqualTo("messages[0].tool_calls"));
    }

    @Test
    void aToolUseMessageBecomesAChatCompletionWithToolCallsAndCachedTokens() throws Exception {
        ObjectNode completion = AnthropicResponses.toChatCompletion(Recorded.json("anthropic/message-tool-use.json"),
                1_700_000_000L, JSON);

        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("id").asText()).isEqualTo("msg_01Aq9w938a90dw8q");
        assertThat(completion.path("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        JsonNode choice = completion.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").asText())
                .isEqualTo("I'll check the current weather in San Francisco for you.");
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.path("function").path("arguments").asText()))
                .isEqualTo(JSON.readTree("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
        // input 472 + cache read 1024 + cache write 100 are all prompt tokens; the reads are the cached ones
        JsonNode usage = completion.path("usage");
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(1596);
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(1024);
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(89);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(1685);
    }

    @Test
    void stopReasonsBecomeFinishReasons() {
        assertThat(AnthropicResponses.finishReason("end_turn")).isEqualTo("stop");
        assertThat(AnthropicResponses.finishReason("stop_sequence")).isEqualTo("stop");
        assertThat(AnthropicResponses.finishReason("max_tokens")).isEqualTo("length");
        assertThat(AnthropicResponses.finishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(AnthropicResponses.finishReason("refusal")).isEqualTo("content_filter");
        assertThat(AnthropicResponses.finishReason(null)).isNull();
        JsonNode text = AnthropicResponses.toChatCompletion(Recorded.json("anthropic/message-text.json"), 1, JSON);
        assertThat(text.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(text.path("choices").get(0).path("message").has("tool_calls")).isFalse();
    }

    @Test
    void anErrorBodyBecomesOpenAisShape() throws Exception {
        JsonNode error = JSON.readTree(AnthropicResponses.errorBody(Recorded.bytes("anthropic/error-rate-limit.json"),
                JSON)).path("error");

        assertThat(error.path("message").asText()).contains("per-minute rate limit");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_error");
        assertThat(AnthropicResponses.errorBody("not json".getBytes(StandardCharsets.UTF_8), JSON))
                .asString().isEqualTo("not json");
    }

    @Test
    void aRecordedStreamCutAnywhereBecomesChatCompletionChunksEventByEvent() throws Exception {
        byte[] sse = Recorded.bytes("anthropic/stream-tool-use.sse");
        for (int size : new int[] {1, 7, 64, sse.length}) {
            AnthropicStream stream = new AnthropicStream(JSON, true, 1_700_000_000L);
            List<JsonNode> chunks = new ArrayList<>();
            boolean done = false;
            for (int at = 0; at < sse.length; at += size) {
                for (byte[] event : stream.feed(Arrays.copyOfRange(sse, at, Math.min(sse.length, at + size)))) {
                    String text = new String(event, StandardCharsets.UTF_8);
                    assertThat(text).startsWith("data: ").endsWith("\n\n");
                    assertThat(done).as("nothing after [DONE]").isFalse();
                    if (text.equals("data: [DONE]\n\n")) {
                        done = true;
                    } else {
                        chunks.add(JSON.readTree(text.substring(6)));
                    }
                }
            }
            assertThat(done).isTrue();
            assertThat(stream.stopped()).isTrue();
            assertThat(chunks).allSatisfy(c -> {
                assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
                assertThat(c.path("id").asText()).isEqualTo("msg_014p7gG3wDgGV9EUtLvnow3U");
                assertThat(c.path("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
            });
            assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
            StringBuilder content = new StringBuilder();
            StringBuilder arguments = new StringBuilder();
            String finish = null;
            for (JsonNode chunk : chunks) {
                for (JsonNode choice : chunk.path("choices")) {
                    content.append(choice.path("delta").path("content").asText(""));
                    for (JsonNode call : choice.path("delta").path("tool_calls")) {
                        assertThat(call.path("index").asInt()).isZero();
                        if (call.has("id")) {
                            assertThat(call.path("id").asText()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
                            assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
                        }
                        arguments.append(call.path("function").path("arguments").asText(""));
                    }
                    if (!choice.path("finish_reason").isNull()) {
                        finish = choice.path("finish_reason").asText();
                    }
                }
            }
            assertThat(content.toString()).isEqualTo("Okay, let's check the weather for San Francisco, CA:");
            assertThat(JSON.readTree(arguments.toString()))
                    .isEqualTo(JSON.readTree("{\"location\":\"San Francisco, CA\",\"unit\":\"fahrenheit\"}"));
            assertThat(finish).isEqualTo("tool_calls");
            JsonNode last = chunks.get(chunks.size() - 1);
            assertThat(last.path("choices")).isEmpty();
            assertThat(last.path("usage").path("prompt_tokens").asLong()).isEqualTo(472 + 1024);
            assertThat(last.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(1024);
            assertThat(last.path("usage").path("completion_tokens").asLong()).as("message_delta's count").isEqualTo(89);
        }
    }

    @Test
    void aStreamWithAnyLineEndAndNoFinalBlankLineIsTranslatedWhole() {
        String recorded = new String(Recorded.bytes("anthropic/stream-tool-use.sse"), StandardCharsets.UTF_8)
                .replace("\r\n", "\n").stripTrailing();
        for (String lineEnd : List.of("\n", "\r\n", "\r")) {
            byte[] sse = recorded.replace("\n", lineEnd).getBytes(StandardCharsets.UTF_8);
            AnthropicStream stream = new AnthropicStream(JSON, true, 1);
            List<String> events = new ArrayList<>();
            for (int at = 0; at < sse.length; at += 5) {
                stream.feed(Arrays.copyOfRange(sse, at, Math.min(sse.length, at + 5)))
                        .forEach(e -> events.add(new String(e, StandardCharsets.UTF_8)));
            }
            stream.end().forEach(e -> events.add(new String(e, StandardCharsets.UTF_8)));

            String all = String.join("", events);
            assertThat(all).as("line end %s", lineEnd.replace("\r", "CR").replace("\n", "LF"))
                    .contains("Okay, let's check").contains("\"prompt_tokens\":1496")
                    .endsWith("data: [DONE]\n\n");
            assertThat(stream.stopped()).isTrue();
        }
    }

    @Test
    void eachEventIsTranslatedAsSoonAsItIsWhole() {
        String sse = new String(Recorded.bytes("anthropic/stream-tool-use.sse"), StandardCharsets.UTF_8);
        AnthropicStream stream = new AnthropicStream(JSON, false, 1);
        int firstEventEnd = sse.indexOf("\n\n") + 2;

        assertThat(stream.feed(sse.substring(0, firstEventEnd - 1).getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(stream.feed("\n".getBytes(StandardCharsets.UTF_8))).as("message_start: the role chunk").hasSize(1);
        List<byte[]> rest = stream.feed(sse.substring(firstEventEnd).getBytes(StandardCharsets.UTF_8));
        assertThat(new String(rest.get(rest.size() - 1), StandardCharsets.UTF_8)).isEqualTo("data: [DONE]\n\n");
        assertThat(rest).as("no usage chunk when it was not asked for")
                .noneMatch(e -> new String(e, StandardCharsets.UTF_8).contains("\"usage\""));
    }

    @Test
    void anErrorEventInTheStreamFailsItWithTheProvidersStatus() {
        AnthropicStream stream = new AnthropicStream(JSON, true, 1);
        byte[] overloaded = ("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}\n\n").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> stream.feed(overloaded)).isInstanceOfSatisfying(AnthropicStream.StreamError.class,
                e -> {
                    assertThat(e.status()).isEqualTo(529);
                    assertThat(new String(e.body(), StandardCharsets.UTF_8)).contains("\"code\":\"overloaded_error\"");
                });
    }

    @Test
    void theMessagesUrlAndVersionHeader() {
        assertThat(AnthropicProvider.url(model("https://api.anthropic.com/", null)))
                .isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(AnthropicProvider.url(model("https://api.anthropic.com/v1", null)))
                .isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(AnthropicProvider.version(model("https://api.anthropic.com", null))).isEqualTo("2023-06-01");
        assertThat(AnthropicProvider.version(model("https://api.anthropic.com", "2024-01-01"))).isEqualTo("2024-01-01");
    }

    static CatalogModel model(String baseUrl, String apiVersion) {
        TollgateProperties.Deployment deployment = Config.bind(TollgateProperties.Deployment.class,
                "base-url", baseUrl, "api-version", apiVersion);
        return new CatalogModel("claude", 4096, null, "anthropic", "claude", "claude-sonnet-4-5", deployment);
    }
    @Test
    void anAnthropicUsageWithACountNotBelievedIsNoUsageWholeOrStreamed() throws Exception {
        for (String count : List.of("-25", "2.5", "18446744073709551621", "2000000000")) {
            ObjectNode message = (ObjectNode) Recorded.json("anthropic/message-text.json").deepCopy();
            ((ObjectNode) message.get("usage")).set("output_tokens", JSON.readTree(count));

            // no usage: the gateway counts the answer itself (UnbelievedUsageTest), as for any answer without one
            assertThat(AnthropicResponses.toChatCompletion(message, 1, JSON).has("usage")).as(count).isFalse();

            AnthropicStream stream = new AnthropicStream(JSON, true, 1);
            List<String> out = new ArrayList<>();
            String events = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\","
                    + "\"model\":\"c\",\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
                    + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
                    + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                    + "\"end_turn\"},\"usage\":{\"output_tokens\":" + count + "}}\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
            for (byte[] event : stream.feed(events.getBytes(StandardCharsets.UTF_8))) {
                out.add(new String(event, StandardCharsets.UTF_8));
            }
            assertThat(out).as(count).noneMatch(event -> event.contains("\"usage\""));
            assertThat(out.get(out.size() - 1)).isEqualTo("data: [DONE]\n\n");
        }
    }
}
