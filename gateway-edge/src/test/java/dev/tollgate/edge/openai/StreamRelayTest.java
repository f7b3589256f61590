package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay passes events byte for byte whatever their framing and however the upstream cut them into chunks (the
 * usual one-line events are read from their bytes, the others through the general path), adds the cost to the usage
 * event, and holds {@code [DONE]} back.
 */
class StreamRelayTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter TOKENS = new TokenCounter();

    static String chunk(String content) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}";
    }

    /** The chat route's reading of a choice, short of tool calls and reasoning. */
    static final Function<JsonNode, StreamRelay.Output> CONTENT =
            choice -> StreamRelay.Output.text(choice.path("delta").path("content").asText(null));

    /** A chunk of reasoning in {@code field} ({@code reasoning_content} or {@code reasoning}), its content null. */
    static String reasoningChunk(String field, String reasoning) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":null,\"" + field + "\":\"" + reasoning + "\"},\"finish_reason\":null}]}";
    }

    static final String USAGE = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":"
            + "{\"prompt_tokens\":11,\"completion_tokens\":4,\"total_tokens\":15}}";

    static StreamRelay relay(boolean clientWantsUsage, List<JsonNode> observed) {
        StreamRelay relay = new StreamRelay(JSON, new StreamRelay.Choices(JSON, TOKENS, "chat.completion.chunk",
                CONTENT, clientWantsUsage, () -> 7, 0),
                usage -> Money.of("0.0125"));
        relay.observe(observed::add);
        return relay;
    }

    /** Feeds {@code stream} in random cuts; answers what the client got. */
    static String run(StreamRelay relay, String stream, long seed) {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < bytes.length) {
            int length = Math.min(bytes.length - at, 1 + random.nextInt(40));
            byte[] piece = new byte[length];
            System.arraycopy(bytes, at, piece, 0, length);
            at += length;
            relay.onChunk(piece).forEach(out::writeBytes);
        }
        relay.closing(relay.usage(), Money.of("0.0125")).forEach(out::writeBytes);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyFramingPassesByteForByteAndTheUsageEventGetsItsCost() throws Exception {
        List<String> framings = List.of("data: %s\n\n", "data:%s\n\n", "data: %s\r\n\r\n", "data:  %s \n\n",
                "id: 7\ndata: %s\n\n", "event: message\r\ndata: %s\r\n\r\n");
        for (String framing : framings) {
            String events = framing.formatted(chunk("Grüße 👋 ")) + ": keep-alive\n\n"
                    + framing.formatted(chunk("wörld"));
            String stream = events + framing.formatted(USAGE) + framing.formatted("[DONE]");
            for (long seed = 0; seed < 20; seed++) {
                List<JsonNode> observed = new ArrayList<>();
                StreamRelay relay = relay(true, observed);
                String out = run(relay, stream, seed);

                assertThat(out).as(framing).startsWith(events);
                assertThat(out).endsWith("data: [DONE]\n\n");
                String usageEvent = out.substring(events.length(), out.length() - "data: [DONE]\n\n".length());
                String data = usageEvent.substring(usageEvent.indexOf("data:") + 5).trim();
                JsonNode usage = JSON.readTree(data);
                assertThat(usage.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.0125");
                assertThat(usage.path("usage").path("prompt_tokens").asLong()).isEqualTo(11);
                assertThat(relay.usage()).isEqualTo(new Usage(11, 4, 0, 0));
                assertThat(observed).hasSize(3);
                assertThat(observed.get(0).path("choices").get(0).path("delta").path("content").asText())
                        .isEqualTo("Grüße 👋 ");
            }
        }
    }

    @Test
    void aUsageEventTheClientDidNotAskForIsDroppedAndACutStreamIsCounted() {
        String stream = "data: " + chunk("Hello there") + "\n\n" + "data: " + USAGE + "\n\n" + "data: [DONE]\n\n";
        StreamRelay relay = relay(false, new ArrayList<>());
        assertThat(run(relay, stream, 1)).isEqualTo("data: " + chunk("Hello there") + "\n\ndata: [DONE]\n\n");

        StreamRelay cut = relay(false, new ArrayList<>());
        cut.onChunk(("data: " + chunk("Hello there") + "\n\n").getBytes(StandardCharsets.UTF_8));
        assertThat(cut.usage()).isEqualTo(new Usage(7, TOKENS.text("Hello there"), 0, 0));
    }

    @Test
    void onlyASingleDataLineTakesTheFastPath() {
        assertThat(StreamRelay.singleDataLineEnd("data: {}\n\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(8);
        assertThat(StreamRelay.singleDataLineEnd("data:{}\r\n\r\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(7);
        assertThat(StreamRelay.singleDataLineEnd("data: a\ndata: b\n\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(-1);
        assertThat(StreamRelay.singleDataLineEnd("id: 1\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(-1);
        assertThat(StreamRelay.singleDataLineEnd(": ping\n\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }
    /** The text the chat route reads from a chunk's tree (ChatCompletionsRoute's deltaText over every choice). */
    static String treeText(JsonNode event) {
        StringBuilder text = new StringBuilder();
        for (JsonNode choice : event.path("choices")) {
            JsonNode content = choice.path("delta").get("content");
            if (content != null && content.isTextual()) {
                text.append(content.asText());
            }
        }
        return text.toString();
    }

    @Test
    void aSkimmedChunkYieldsTheTextItsTreeHoldsAndAnythingUnusualGoesToTheTree() throws Exception {
        List<String> plain = List.of(chunk("Hello"), chunk(""), chunk("Grüße 👋 \\\"quoted\\\" \\u00e9"),
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                "{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":null}}]}",
                "{\"choices\":[{\"delta\":{}}],\"x\":{\"nested\":[1,{\"content\":\"no\"}]}}",
                "{\"choices\":[{\"delta\":{\"content\":\"first\",\"content\":\"last\"}}]}",
                "{\"choices\":[]}", "{}", " { \"choices\" : [ { \"delta\" : { \"content\" : \"spaced\" } } ] } ");
        for (String event : plain) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            assertThat(StreamRelay.skimChatChunk(JSON, bytes, 0, bytes.length)).as(event)
                    .isEqualTo(new StreamRelay.Output(treeText(JSON.readTree(bytes)), ""));
        }
        List<String> toTheTree = List.of(USAGE, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":"
                        + "{\"arguments\":\"{}\"}}]}}]}", "{\"choices\":[{\"delta\":{\"content\":7}}]}",
                "{\"choices\":{}}", "{\"choices\":[1]}", "{\"choices\":[{\"delta\":\"x\"}]}", "[1]", "\"text\"",
                "{\"choices\":[]} {}", "{\"choices\":[", "not json", "{\"usage\":{},\"usage\":null}");
        for (String event : toTheTree) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            assertThat(StreamRelay.skimChatChunk(JSON, bytes, 0, bytes.length)).as(event).isNull();
        }
        byte[] framed = ("data: " + chunk("inside") + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(StreamRelay.skimChatChunk(JSON, framed, 6, framed.length - 2))
                .isEqualTo(StreamRelay.Output.text("inside"));
    }

    @Test
    void aSkimmedChunkYieldsTheReasoningTheChatRouteReadsFromItsTree() throws Exception {
        Map<String, StreamRelay.Output> reasoning = Map.of(
                reasoningChunk("reasoning_content", "Hmm, "), new StreamRelay.Output("", "Hmm, "),
                reasoningChunk("reasoning", "so 👋"), new StreamRelay.Output("", "so 👋"),
                "{\"choices\":[{\"delta\":{\"content\":\"a\",\"reasoning\":null}}]}", StreamRelay.Output.text("a"),
                // a server mid-rename sends the same text in both fields: counted once
                "{\"choices\":[{\"delta\":{\"reasoning_content\":\"twice\",\"reasoning\":\"twice\"}}]}",
                new StreamRelay.Output("", "twice"),
                "{\"choices\":[{\"delta\":{\"reasoning\":\"x\"}},{\"delta\":{\"content\":\"b\","
                        + "\"reasoning_content\":\"y\"}}]}", new StreamRelay.Output("b", "xy"));
        for (Map.Entry<String, StreamRelay.Output> event : reasoning.entrySet()) {
            byte[] bytes = event.getKey().getBytes(StandardCharsets.UTF_8);
            JsonNode tree = JSON.readTree(bytes);
            StreamRelay.Output fromTree = tree.path("choices").size() == 1
                    ? ChatCompletionsRoute.deltaOutput(tree.path("choices").get(0)) : null;
            assertThat(StreamRelay.skimChatChunk(JSON, bytes, 0, bytes.length)).as(event.getKey())
                    .isEqualTo(event.getValue());
            if (fromTree != null) {
                assertThat(fromTree).as(event.getKey()).isEqualTo(event.getValue());
            }
        }
        for (String event : List.of("{\"choices\":[{\"delta\":{\"reasoning_content\":{\"text\":\"x\"}}}]}",
                "{\"choices\":[{\"delta\":{\"reasoning\":7}}]}", "{\"choices\":[{\"delta\":{\"refusal\":[]}}]}")) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            assertThat(StreamRelay.skimChatChunk(JSON, bytes, 0, bytes.length)).as(event).isNull();
        }
    }

    @Test
    void aRefusalIsSkimmedAsTheTreeReadsItAndFunctionCallsGoToTheTree() throws Exception {
        Map<String, StreamRelay.Output> said = Map.of(
                refusalChunk("I can't help with that."), StreamRelay.Output.text("I can't help with that."),
                "{\"choices\":[{\"delta\":{\"content\":\"a\",\"refusal\":\"b\"}}]}", StreamRelay.Output.text("ab"),
                "{\"choices\":[{\"delta\":{\"content\":null,\"refusal\":null}}]}", StreamRelay.Output.NONE);
        for (Map.Entry<String, StreamRelay.Output> event : said.entrySet()) {
            byte[] bytes = event.getKey().getBytes(StandardCharsets.UTF_8);
            assertThat(StreamRelay.skimChatChunk(JSON, bytes, 0, bytes.length)).as(event.getKey())
                    .isEqualTo(event.getValue());
            assertThat(ChatCompletionsRoute.deltaOutput(JSON.readTree(bytes).path("choices").get(0)))
                    .as(event.getKey()).isEqualTo(event.getValue());
        }
        String call = functionCallChunk("{\\\"city\\\":");
        byte[] bytes = call.getBytes(StandardCharsets.UTF_8);
        assertThat(StreamRelay.skimChatChunk(JSON, bytes, 0, bytes.length)).isNull();
        assertThat(ChatCompletionsRoute.deltaOutput(JSON.readTree(bytes).path("choices").get(0)))
                .isEqualTo(StreamRelay.Output.text("w{\"city\":"));
    }

    /** A chunk of the legacy {@code function_call}: the function's name and a piece of its arguments. */
    static String functionCallChunk(String arguments) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":null,\"function_call\":{\"name\":\"w\",\"arguments\":\"" + arguments
                + "\"}},\"finish_reason\":null}]}";
    }

    /** A chunk of a refusal, its content null. */
    static String refusalChunk(String refusal) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":null,\"refusal\":\"" + refusal + "\"},\"finish_reason\":null}]}";
    }

    @Test
    void reasoningIsCountedAsDeliveredOutputAndReportedAsReasoningTokens() {
        StreamRelay relay = new StreamRelay(JSON, new StreamRelay.Choices(JSON, TOKENS, "chat.completion.chunk",
                ChatCompletionsRoute::deltaOutput, false, () -> 7, 0, StreamRelay::skimChatChunk),
                usage -> Money.of("0.0125"));
        relay.observe(event -> { }, false);
        relay.limit(6, TOKENS);
        for (int i = 0; i < 10; i++) {
            relay.onChunk(("data: " + reasoningChunk("reasoning_content", " word") + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        assertThat(relay.stopped()).as("stopped at the 6 tokens granted").isTrue();
        assertThat(relay.usage()).isEqualTo(new Usage(7, 6, 0, 6));
    }

    @Test
    void aRelayThatSkimsSendsAndCountsWhatTheTreeRelaySendsAndCounts() {
        Random random = new Random(42);
        String[] words = {"a", "Grüße", "👋", "\\\"q\\\"", " ", "long words here", "\\n"};
        for (int round = 0; round < 200; round++) {
            StringBuilder stream = new StringBuilder();
            int events = 1 + random.nextInt(30);
            for (int i = 0; i < events; i++) {
                String framing = random.nextInt(10) == 0 ? "data:%s\r\n\r\n" : "data: %s\n\n";
                String word = words[random.nextInt(words.length)];
                String event = switch (random.nextInt(18)) {
                    case 0 -> "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{}\"}}]}}]}";
                    case 1, 2 -> reasoningChunk("reasoning_content", word);
                    case 3 -> reasoningChunk("reasoning", word);
                    case 4 -> functionCallChunk(word);
                    case 5, 6 -> refusalChunk(word);
                    default -> chunk(word);
                };
                stream.append(framing.formatted(event));
            }
            boolean usage = random.nextBoolean();
            if (usage) {
                stream.append("data: ").append(USAGE).append("\n\n");
            }
            stream.append("data: [DONE]\n\n");
            boolean wants = random.nextBoolean();
            List<JsonNode> everyEvent = new ArrayList<>();
            StreamRelay tree = new StreamRelay(JSON, new StreamRelay.Choices(JSON, TOKENS, "chat.completion.chunk",
                    ChatCompletionsRoute::deltaOutput, wants, () -> 7, 0), cost -> Money.of("0.0125"));
            tree.observe(everyEvent::add);
            List<JsonNode> firstOnly = new ArrayList<>();
            StreamRelay skimming = new StreamRelay(JSON, new StreamRelay.Choices(JSON, TOKENS,
                    "chat.completion.chunk", ChatCompletionsRoute::deltaOutput, wants,
                    () -> 7, 0, StreamRelay::skimChatChunk), cost -> Money.of("0.0125"));
            skimming.observe(firstOnly::add, false);
            if (round % 2 == 0) {
                tree.limit(3, TOKENS);
                skimming.limit(3, TOKENS);
            }
            long seed = random.nextLong();
            assertThat(run(skimming, stream.toString(), seed)).isEqualTo(run(tree, stream.toString(), seed));
            assertThat(skimming.usage()).isEqualTo(tree.usage());
            assertThat(skimming.stopped()).isEqualTo(tree.stopped());
            assertThat(firstOnly).hasSize(1);
            assertThat(firstOnly.get(0)).isEqualTo(everyEvent.get(0));
        }
    }
}
