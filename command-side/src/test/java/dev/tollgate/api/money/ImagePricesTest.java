package dev.tollgate.api.money;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.spend.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Generated images priced by size and quality, exactly, and the JSON of prices and usages from before them. */
class ImagePricesTest {

    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static ModelPrice dallE() {
        return new ModelPrice(TokenPrice.perMillion("0"), null, TokenPrice.perMillion("0"), null, Money.of("0.04"),
                null, false, Map.of("1024x1024/hd", Money.of("0.08"), "256x256", Money.of("0.016")));
    }

    @Test
    void aVariantIsPricedBySizeAndQualityThenBySizeThenPerImage() {
        ModelPrice price = dallE();
        assertThat(price.imagePrice("1024x1024", "hd")).isEqualTo(Money.of("0.08"));
        assertThat(price.imagePrice("256x256", "standard")).isEqualTo(Money.of("0.016"));
        assertThat(price.imagePrice("512x512", "standard")).isEqualTo(Money.of("0.04"));
        assertThat(price.exactCost(0, 0, 0, 0, 3, "1024x1024/hd")).isEqualByComparingTo("0.24");
        assertThat(price.exactCost(0, 0, 0, 0, 2, "256x256/standard")).isEqualByComparingTo("0.032");
        // without a variant, images are images in a prompt, at the per-image price (as before)
        assertThat(price.exactCost(0, 0, 0, 0, 2)).isEqualByComparingTo("0.08");

        ModelPrice tableOnly = new ModelPrice(TokenPrice.perMillion("0"), null, TokenPrice.perMillion("0"), null,
                null, null, false, Map.of("1024x1024/hd", Money.of("0.08")));
        assertThat(tableOnly.imagePrice("1024x1024", "standard")).isNull();
        assertThat(tableOnly.pricesImages()).isTrue();
        assertThat(ModelPrice.tokens("1", "2").pricesImages()).isFalse();
    }

    @Test
    void pricesAndUsagesWrittenBeforeImagePricesStillRead() throws Exception {
        ModelPrice old = json.readValue("{\"input\":\"1\",\"cachedInput\":null,\"output\":\"2\",\"reasoning\":null,"
                + "\"perImage\":\"0.01\",\"perRequest\":null,\"free\":false}", ModelPrice.class);
        assertThat(old).isEqualTo(new ModelPrice(TokenPrice.perMillion("1"), null, TokenPrice.perMillion("2"), null,
                Money.of("0.01"), null, false));
        assertThat(old.imagePrices()).isNull();
        assertThat(json.readValue(json.writeValueAsString(dallE()), ModelPrice.class)).isEqualTo(dallE());
        // an empty table is no table: publishing it again changes nothing
        assertThat(new ModelPrice(TokenPrice.perMillion("1"), null, TokenPrice.perMillion("2"), null, null, null,
                false, Map.of())).isEqualTo(ModelPrice.tokens("1", "2"));

        Usage usage = json.readValue("{\"promptTokens\":5,\"completionTokens\":7,\"cachedPromptTokens\":0,"
                + "\"reasoningTokens\":0,\"images\":1}", Usage.class);
        assertThat(usage).isEqualTo(new Usage(5, 7, 0, 0, 1));
        assertThat(usage.imageVariant()).isNull();
        Usage generated = new Usage(0, 0, 0, 0).withGeneratedImages(2, "1024x1024/hd");
        assertThat(json.readValue(json.writeValueAsString(generated), Usage.class)).isEqualTo(generated);
    }

    @Test
    void aFreeModelHasNoImageTableAndNegativeImagePricesAreRefused() {
        assertThatThrownBy(() -> new ModelPrice(null, null, null, null, null, null, true,
                Map.of("256x256", Money.of("0.01")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelPrice(TokenPrice.perMillion("0"), null, TokenPrice.perMillion("0"), null,
                null, null, false, Map.of("256x256", Money.of(new BigDecimal("-1")))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ModelPrice.FREE.imagePrice("1024x1024", "hd")).isEqualTo(Money.ZERO);
    }
}
