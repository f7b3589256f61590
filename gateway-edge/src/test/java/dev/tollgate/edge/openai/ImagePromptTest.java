package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An image in a prompt is reserved at what the model that may read it counts for one at most (its
 * {@code max-image-tokens}), not at a fixed count. {@code mock-image-prompt} says 2,000 and costs 0.001 per prompt
 * token and nothing for its answer, so that its worst case is its prompt; its mock upstream counts each image at
 * 2,000 too. {@code mock-image-prompt-small} says 100 and falls back to it.
 */
class ImagePromptTest extends GatewayTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter TOKENS = new TokenCounter();
    static final BigDecimal PER_TOKEN = new BigDecimal("0.001");
    static final long MAX_IMAGE_TOKENS = 2000;
    static final String QUESTION = "What is in this picture?";
    static final String PICTURE = "https://example.org/tall-cat.png";

    static Map<String, Object> chat(String model) {
        return Map.of("model", model, "max_tokens", 5, "messages", List.of(Map.of("role", "user", "content",
                List.of(Map.of("type", "text", "text", QUESTION),
                        Map.of("type", "image_url", "image_url", Map.of("url", PICTURE))))));
    }

    static BigDecimal tokens(long count) {
        return PER_TOKEN.multiply(BigDecimal.valueOf(count));
    }

    private String key() {
        return newUserKey(newUser(newTeam(null, "1000", "clamp"), null), List.of());
    }

    @Test
    void aChatImageIsReservedAtTheModelsMaxImageTokensAndChargedAtTheUpstreamsCount() {
        Map<String, Object> body = chat("mock-image-prompt");

        Http.Response answer = http().post("/v1/chat/completions", key(), body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // far from the limit the text is reserved by its bound (PromptBoundTest); the image at 2,000
        long text = TOKENS.promptBound(JSON.valueToTree(body));
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(tokens(text + MAX_IMAGE_TOKENS));
        long charged = answer.json().path("usage").path("prompt_tokens").asLong();
        assertThat(charged).isEqualTo(TOKENS.prompt(JSON.valueToTree(body)) + MAX_IMAGE_TOKENS);
        assertThat(new BigDecimal(answer.header("x-tollgate-cost"))).isEqualByComparingTo(tokens(charged));
    }

    @Test
    void anImagesWorstCaseIsReservedButNotCountedAgainstTheContextWindow() {
        Map<String, Object> body = chat("mock-image-window");

        Http.Response answer = http().post("/v1/chat/completions", key(), body);

        // 2,000 for the image would not fit the window of 1,000: the model reads the prompt all the same
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long text = TOKENS.promptBound(JSON.valueToTree(body));
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(tokens(text + MAX_IMAGE_TOKENS));
    }

    @Test
    void aResponsesInputImageIsReservedAtTheModelsMaxImageTokens() {
        Map<String, Object> body = Map.of("model", "mock-image-prompt", "max_output_tokens", 5, "input",
                List.of(Map.of("role", "user", "content", List.of(Map.of("type", "input_text", "text", QUESTION),
                        Map.of("type", "input_image", "image_url", PICTURE)))));

        Http.Response answer = http().post("/v1/responses", key(), body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // 3 tokens of framing for the message, its text, and the image at 2,000
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(tokens(3 + TOKENS.text(QUESTION) + MAX_IMAGE_TOKENS));
        assertThat(answer.json().path("usage").path("input_tokens").asLong())
                .isEqualTo(TOKENS.text(QUESTION) + MAX_IMAGE_TOKENS);
    }

    @Test
    void imagesInAResponsesToolOutputOrComputerScreenshotAreReservedAtTheModelsMaxImageTokens() throws Exception {
        JsonNode body = JSON.readTree("""
                {"model": "mock-image-prompt", "max_output_tokens": 5, "input": [
                  {"type": "function_call_output", "call_id": "c",
                   "output": [{"type": "input_image", "image_url": "%1$s"}]},
                  {"type": "computer_call_output", "call_id": "d",
                   "output": {"type": "computer_screenshot", "image_url": "%1$s"}}]}
                """.formatted(PICTURE));

        Http.Response answer = http().post("/v1/responses", key(), body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // each item's text without its image, and each image at 2,000, not as the few tokens of its JSON
        long text = TOKENS.text("{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":[]}")
                + TOKENS.text("{\"type\":\"computer_call_output\",\"call_id\":\"d\"}");
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(tokens(text + 2 * MAX_IMAGE_TOKENS));
    }

    @Test
    void aFallbackThatCountsMoreForAnImageIsReservedItsOwnCount() {
        Map<String, Object> body = chat("mock-image-prompt-small");

        Http.Response answer = http().post("/v1/chat/completions", key(), body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // the requested model counts 100 for the image, its fallback 2,000: the larger worst case is reserved
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(tokens(TOKENS.promptBound(JSON.valueToTree(body)) + MAX_IMAGE_TOKENS));
        assertThat(answer.json().path("usage").path("prompt_tokens").asLong())
                .as("answered by the requested model, which counts 100")
                .isEqualTo(TOKENS.prompt(JSON.valueToTree(body)) + 100);
    }

    @Test
    void anAnswerWithoutUsageCountsTheImageAtTheAnsweringModelsMaxImageTokens() {
        Map<String, Object> body = chat("gpt-terse-images");

        Http.Response answer = http().post("/v1/chat/completions", key(), body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long text = TOKENS.prompt(JSON.valueToTree(body));
        // the text with the openai provider's margin (8 tokens and 2 %), as reserved; the image at its model's count
        long counted = text + 8 + (text * 2 + 99) / 100 + MAX_IMAGE_TOKENS;
        assertThat(answer.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(counted);
        assertThat(messageCost(answer.header("x-request-id")).path("usage").path("prompt_tokens").asLong())
                .isEqualTo(counted);
    }
}
