package dev.tollgate.edge.catalog;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.config.TollgateProperties;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configured models are checked at start: never a silent zero price, never an unknown provider. */
class ModelCatalogTest {

    static TollgateProperties.Model model(String name, String input, String output, boolean free, String provider) {
        TollgateProperties.Model model = new TollgateProperties.Model();
        model.setName(name);
        model.getPrices().setInput(input == null ? null : new BigDecimal(input));
        model.getPrices().setOutput(output == null ? null : new BigDecimal(output));
        model.getPrices().setFree(free);
        model.getDeployment().setProvider(provider);
        model.getDeployment().setBaseUrl("http://127.0.0.1:1/v1");
        return model;
    }

    static ModelCatalog catalog(TollgateProperties.Model... models) {
        TollgateProperties properties = new TollgateProperties();
        properties.setModels(List.of(models));
        return new ModelCatalog(properties);
    }

    @Test
    void refusesAModelWithoutPricesUnlessDeclaredFree() {
        assertThatThrownBy(() -> catalog(model("m", "1", null, false, "openai")))
                .hasMessageContaining("no input or output price");
        ModelCatalog free = catalog(model("local", null, null, true, "openai"));
        assertThat(free.find("local").orElseThrow().prices().cost(new Usage(1000, 1000, 0, 0))).isEqualTo(Money.ZERO);
    }

    @Test
    void refusesAFreeModelThatAlsoHasPrices() {
        assertThatThrownBy(() -> catalog(model("m", "1", "2", true, "openai"))).hasMessageContaining("free");
    }

    @Test
    void refusesAnUnknownProvider() {
        assertThatThrownBy(() -> catalog(model("m", "1", "2", false, "bedrock"))).hasMessageContaining("bedrock");
    }

    @Test
    void pricesCachedPromptTokensAtTheCachedPriceAndRoundsOnce() {
        TollgateProperties.Model model = model("m", "2.50", "10", false, "openai");
        model.getPrices().setCachedInput(new BigDecimal("1.25"));
        ModelPrices prices = catalog(model).find("m").orElseThrow().prices();
        // (1000 - 400) * 2.5 + 400 * 1.25 + 333 * 10 = 1500 + 500 + 3330 = 5330 per million
        assertThat(prices.cost(new Usage(1000, 333, 400, 0))).isEqualTo(Money.of("0.00533"));
    }

    @Test
    void thePriceVersionChangesWithAnyPrice() {
        String before = catalog(model("m", "1", "2", false, "openai")).priceVersion();
        String after = catalog(model("m", "1", "2.01", false, "openai")).priceVersion();
        assertThat(before).startsWith("cfg-").isNotEqualTo(after);
    }
}
