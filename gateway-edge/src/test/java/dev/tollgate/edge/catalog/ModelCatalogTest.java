package dev.tollgate.edge.catalog;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.api.spend.Usage;
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
    void refusesHalfAPriceAndAcceptsAModelPricedThroughTheApiOnly() {
        assertThatThrownBy(() -> catalog(model("m", "1", null, false, "openai")))
                .hasMessageContaining("no input or output price");
        assertThat(catalog(model("m", null, null, false, "openai")).find("m").orElseThrow().configuredPrice())
                .as("no price in the file: the model waits for one from the price book").isNull();
        assertThat(catalog(model("local", null, null, true, "openai")).find("local").orElseThrow().configuredPrice())
                .isEqualTo(ModelPrice.FREE);
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
    void pricesCachedAndReasoningTokensAtTheirOwnPricesAndRoundsOnce() {
        TollgateProperties.Model model = model("m", "2.50", "10", false, "openai");
        model.getPrices().setCachedInput(new BigDecimal("1.25"));
        model.getPrices().setReasoning(new BigDecimal("12"));
        model.getPrices().setPerRequest(new BigDecimal("0.001"));
        PriceInForce price = new PriceInForce("v1", catalog(model).find("m").orElseThrow().configuredPrice());
        // (1000 - 400) * 2.5 + 400 * 1.25 + (333 - 100) * 10 + 100 * 12 = 1500 + 500 + 2330 + 1200 = 5530 per million,
        // plus 0.001 per request
        assertThat(price.cost(new Usage(1000, 333, 400, 100), 0)).isEqualTo(Money.of("0.00653"));
        assertThat(price.worstOutputPrice()).isEqualTo(TokenPrice.perMillion("12"));
        assertThat(price.fixedCost(1000, 0)).isEqualTo(Money.of("0.0035"));
    }

    @Test
    void theSingleDeploymentFormIsAOneElementListAndAListGetsNamedDeployments() {
        CatalogModel single = catalog(model("m", "1", "2", false, "openai")).find("m").orElseThrow();
        assertThat(single.deployments()).hasSize(1);
        assertThat(single.deployments().get(0).deploymentName()).isEqualTo("m");

        TollgateProperties.Model several = model("g", "1", "2", false, "openai");
        several.getDeployment().setBaseUrl(null);
        several.setDeployments(List.of(deployment(null, 10L), deployment("eu", null)));
        several.getRouting().setNumRetries(2);
        TollgateProperties properties = new TollgateProperties();
        properties.getRouting().setStrategy(TollgateProperties.Strategy.LEAST_BUSY);
        properties.setModels(List.of(several));
        CatalogModel model = new ModelCatalog(properties).find("g").orElseThrow();
        assertThat(model.deployments()).extracting(CatalogModel::deploymentName).containsExactly("g-1", "eu");
        assertThat(model.deployments().get(0).deployment().getRpm()).isEqualTo(10L);
        assertThat(model.routing().strategy()).as("the default of tollgate.routing")
                .isEqualTo(TollgateProperties.Strategy.LEAST_BUSY);
        assertThat(model.routing().numRetries()).as("the model's own").isEqualTo(2);
        assertThat(model.routing().maxAttempts(2)).isEqualTo(3);
    }

    @Test
    void refusesDuplicateDeploymentNamesUnknownFallbacksAndBothDeploymentForms() {
        TollgateProperties.Model a = model("a", "1", "2", false, "openai");
        a.getDeployment().setName("shared");
        TollgateProperties.Model b = model("b", "1", "2", false, "openai");
        b.getDeployment().setName("shared");
        assertThatThrownBy(() -> catalog(a, b)).hasMessageContaining("'shared' is already used");

        TollgateProperties.Model lost = model("lost", "1", "2", false, "openai");
        lost.getRouting().setFallbacks(List.of("nowhere"));
        assertThatThrownBy(() -> catalog(lost)).hasMessageContaining("'nowhere', which is not a configured model");

        TollgateProperties.Model both = model("both", "1", "2", false, "openai");
        both.setDeployments(List.of(deployment("x", null)));
        assertThatThrownBy(() -> catalog(both)).hasMessageContaining("both deployment and deployments");
    }

    private static TollgateProperties.Deployment deployment(String name, Long rpm) {
        TollgateProperties.Deployment deployment = new TollgateProperties.Deployment();
        deployment.setName(name);
        deployment.setBaseUrl("http://127.0.0.1:1/v1");
        deployment.setRpm(rpm);
        return deployment;
    }
}
