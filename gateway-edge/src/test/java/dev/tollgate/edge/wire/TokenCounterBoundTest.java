package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The prompt's cheap upper bound is never below the tokenizer's count, whatever the script. */
class TokenCounterBoundTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter TOKENS = new TokenCounter();

    static final List<String> CORPUS = List.of(
            "", " ", "a", "Hello, world!", "I am working on the third assignment of the course.",
            "Grüße aus Zürich, ça va? Ñandú, øre, ß", "Привет, как дела? Объясни рекурсию.",
            "こんにちは、再帰を説明してください。", "你好，请解释递归。", "안녕하세요 재귀를 설명해 주세요",
            "مرحبا، اشرح العودية", "שלום, הסבר רקורסיה", "नमस्ते, पुनरावृत्ति समझाइए",
            "👋🏽👩‍👩‍👧‍👦🇨🇭🤖 emoji 😀😃😄😁", "\u0000\u0001\t\n\r", "\ud800 lone \udfff surrogates \ud83d",
            "    indented\n\t\tcode() { return x -> x * 2; }", "<|endoftext|><|im_start|>user",
            "a".repeat(5000), "🤖".repeat(1000), "∑∫√∞≠≈ ℝℕℤ", "def f(x):\n    return [i for i in range(x)]\n");

    @Test
    void theBoundOfEveryTextIsAtLeastItsTokens() {
        for (String text : CORPUS) {
            assertThat(TokenCounter.bytes(text)).as(text).isGreaterThanOrEqualTo(TOKENS.text(text));
            if (text.chars().noneMatch(c -> Character.isSurrogate((char) c))) {
                assertThat(TokenCounter.bytes(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
            }
        }
    }

    @Test
    void theBoundOfEveryPromptIsAtLeastItsCount() {
        Random random = new Random(20261204);
        for (int i = 0; i < 2_000; i++) {
            JsonNode body = randomBody(random);
            assertThat(TOKENS.promptBound(body)).as(body.toString()).isGreaterThanOrEqualTo(TOKENS.prompt(body));
        }
    }

    @Test
    void randomUnicodeTextsAreBoundedToo() {
        Random random = new Random(9);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(200);
            for (int j = 0; j < length; j++) {
                int kind = random.nextInt(5);
                int codePoint = switch (kind) {
                    case 0 -> 0x20 + random.nextInt(0x5f);
                    case 1 -> 0xa0 + random.nextInt(0x700);
                    case 2 -> 0x3040 + random.nextInt(0x6000);
                    case 3 -> 0x1f300 + random.nextInt(0x600);
                    default -> random.nextInt(0x110000);
                };
                text.appendCodePoint(codePoint);
            }
            assertThat(TokenCounter.bytes(text.toString())).isGreaterThanOrEqualTo(TOKENS.text(text.toString()));
        }
    }

    private static JsonNode randomBody(Random random) {
        ObjectNode body = JSON.createObjectNode().put("model", "m");
        ArrayNode messages = body.putArray("messages");
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            ObjectNode message = messages.addObject().put("role", List.of("system", "user", "assistant", "tool")
                    .get(random.nextInt(4)));
            if (random.nextInt(4) == 0) {
                message.put("name", pick(random));
            }
            if (random.nextBoolean()) {
                message.put("content", pick(random) + " " + pick(random));
            } else {
                ArrayNode parts = message.putArray("content");
                parts.addObject().put("type", "text").put("text", pick(random));
                if (random.nextBoolean()) {
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", "https://x/y.png");
                }
                if (random.nextInt(3) == 0) {
                    parts.addObject().put("type", "input_audio").put("data", pick(random));
                }
            }
            if (random.nextInt(5) == 0) {
                message.putArray("tool_calls").addObject().put("id", "call_1").putObject("function")
                        .put("name", "lookup").put("arguments", "{\"q\":\"" + pick(random) + "\"}");
            }
        }
        if (random.nextInt(4) == 0) {
            body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "lookup")
                    .put("description", pick(random));
        }
        if (random.nextInt(6) == 0) {
            body.putObject("response_format").put("type", "json_schema").putObject("json_schema")
                    .put("name", "answer").putObject("schema").put("description", pick(random));
        }
        return body;
    }

    private static String pick(Random random) {
        return CORPUS.get(random.nextInt(CORPUS.size()));
    }
}
