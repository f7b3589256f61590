package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images are counted apart from the text: what one counts depends on the model that reads it
 * ({@code max-image-tokens}), so neither the exact count nor the bound gives them a fixed number of tokens.
 */
class TokenCounterImagesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter TOKENS = new TokenCounter();

    static JsonNode body(String extraParts) throws Exception {
        return JSON.readTree("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"}%s]}]}
                """.formatted(extraParts));
    }

    @Test
    void imagesAreCountedApartAndAddNoTextTokens() throws Exception {
        JsonNode text = body("");
        JsonNode pictures = body("""
                ,{"type":"image_url","image_url":{"url":"https://example.org/a.png","detail":"high"}},
                 {"type":"input_image","image_url":"https://example.org/b.png"}""");

        assertThat(TOKENS.images(pictures)).isEqualTo(2);
        assertThat(TOKENS.images(text)).isZero();
        assertThat(TOKENS.prompt(pictures)).isEqualTo(TOKENS.prompt(text));
        assertThat(TOKENS.promptBound(pictures)).isEqualTo(TOKENS.promptBound(text));
    }
}
