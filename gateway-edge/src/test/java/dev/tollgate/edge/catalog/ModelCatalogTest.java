package dev.tollgate.edge.catalog;

import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.support.Config;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configured models are checked at start: never a silent zero price, never an unknown provider. */
class ModelCatalogTest {

    /** One entry of tollgate.models, as its YAML would say it (names relative to the entry). */
    static Map<String, Object> model(String name, String input, String output, boolean free, String provider) {
        return Config.pairs("name", name, "prices.input", input, "prices.output", output, "prices.free", free,
                "deployment.provider", provider, "deployment.base-url", "http://127.0.0.1:1/v1");
    }

    @SafeVarargs
    static ModelCatalog catalog(Map<String, Object>... models) {
        return catalogWith(Map.of(), models);
    }

    /** The catalog of {@code models} under the other tollgate.* {@code settings}. */
    @SafeVarargs
    static ModelCatalog catalogWith(Map<String, Object> settings, Map<String, Object>... models) {
        Map<String, Object> properties = new LinkedHashMap<>(settings);
        for (int i = 0; i < models.length; i++) {
            properties.putAll(Config.entry("models", i, models[i]));
        }
        return new ModelCatalog(Config.tollgate(properties), List.of());
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
        Map<String, Object> model = model("m", "2.50", "10", false, "openai");
        model.putAll(Config.pairs("prices.cached-input", "1.25", "prices.reasoning", "12",
                "prices.per-request", "0.001"));
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

        Map<String, Object> several = model("g", "1", "2", false, "openai");
        several.remove("deployment.base-url");
        several.putAll(deployment(0, null, 10L));
        several.putAll(deployment(1, "eu", null));
        several.put("routing.num-retries", 2);
        CatalogModel model = catalogWith(Config.pairs("routing.strategy", "least-busy"), several).find("g").orElseThrow();
        assertThat(model.deployments()).extracting(CatalogModel::deploymentName).containsExactly("g-1", "eu");
        assertThat(model.deployments().get(0).deployment().rpm()).isEqualTo(10L);
        assertThat(model.routing().strategy()).as("the default of tollgate.routing")
                .isEqualTo(TollgateProperties.Strategy.LEAST_BUSY);
        assertThat(model.routing().numRetries()).as("the model's own").isEqualTo(2);
        assertThat(model.routing().maxAttempts(2)).isEqualTo(3);
    }

    @Test
    void openAisReasoningModelsHideTheirReasoningByDefaultAsTheLiteLlmImportSaysUnlessTheOperatorSaysOtherwise() {
        Map<String, Object> o3 = model("o3", "1", "2", false, "openai");
        Map<String, Object> gpt5 = model("reasoner", "1", "2", false, "azure");
        gpt5.put("deployment.upstream-model", "gpt-5-mini");
        Map<String, Object> gpt4o = model("gpt-4o", "1", "2", false, "openai");
        Map<String, Object> elsewhere = model("router-o3", "1", "2", false, "anthropic");
        elsewhere.put("deployment.upstream-model", "o3");
        Map<String, Object> said = model("o4-mini", "1", "2", false, "openai");
        said.put("hidden-reasoning", false);
        Map<String, Object> saidTrue = model("local", "1", "2", false, "openai");
        saidTrue.put("hidden-reasoning", true);
        Map<String, Object> chat = model("gpt-5-chat-latest", "1", "2", false, "openai");
        Map<String, Object> search = model("gpt-5-search-api", "1", "2", false, "openai");

        ModelCatalog catalog = catalog(o3, gpt5, gpt4o, elsewhere, said, saidTrue, chat, search);

        assertThat(catalog.find("o3").orElseThrow().hiddenReasoning()).as("its name is its upstream model").isTrue();
        assertThat(catalog.find("reasoner").orElseThrow().hiddenReasoning()).isTrue();
        assertThat(catalog.find("reasoner").orElseThrow().deployments().get(0).hiddenReasoning()).isTrue();
        assertThat(catalog.find("gpt-4o").orElseThrow().hiddenReasoning()).isFalse();
        assertThat(catalog.find("router-o3").orElseThrow().hiddenReasoning()).as("not OpenAI's name there").isFalse();
        assertThat(catalog.find("o4-mini").orElseThrow().hiddenReasoning()).as("the operator's word").isFalse();
        assertThat(catalog.find("local").orElseThrow().hiddenReasoning()).isTrue();
        assertThat(catalog.find("gpt-5-chat-latest").orElseThrow().hiddenReasoning()).as("answers directly").isFalse();
        assertThat(catalog.find("gpt-5-search-api").orElseThrow().hiddenReasoning()).isFalse();
    }

    @Test
    void anOpenAiModelWithoutContextWindowGetsItsFamilysWindowAndAConfiguredOrNonOpenAiOneDoesNot() {
        Map<String, Object> bare = model("o3", "1", "2", false, "openai");
        Map<String, Object> renamed = model("cheap", "1", "2", false, "azure");
        renamed.put("deployment.upstream-model", "gpt-4o-mini");
        Map<String, Object> configured = model("gpt-4.1", "1", "2", false, "openai");
        configured.put("context-window", 32_000);
        Map<String, Object> claude = model("claude", "1", "2", false, "anthropic");
        claude.put("deployment.upstream-model", "gpt-4o");
        Map<String, Object> unknown = model("llama", "1", "2", false, "openai");
        unknown.put("deployment.upstream-model", "llama3.1:8b");

        ModelCatalog catalog = catalog(bare, renamed, configured, claude, unknown);

        CatalogModel o3 = catalog.find("o3").orElseThrow();
        assertThat(o3.contextWindow()).as("its name is its upstream model").isEqualTo(200_000L);
        assertThat(o3.deployments().get(0).contextWindow()).as("the model on its deployment").isEqualTo(200_000L);
        assertThat(catalog.find("cheap").orElseThrow().contextWindow()).isEqualTo(128_000L);
        assertThat(catalog.find("gpt-4.1").orElseThrow().contextWindow()).as("the operator's word")
                .isEqualTo(32_000L);
        assertThat(catalog.find("claude").orElseThrow().contextWindow()).as("not OpenAI's name there").isNull();
        assertThat(catalog.find("llama").orElseThrow().contextWindow()).isNull();
    }

    @Test
    void aModelWhoseDeploymentsServeSeveralKnownFamiliesTakesTheLargestWindowAndNoneWhenOneIsUnknown() {
        Map<String, Object> mixed = model("mixed", "1", "2", false, "openai");
        mixed.remove("deployment.base-url");
        mixed.remove("deployment.provider");
        mixed.putAll(upstream(0, "openai", "gpt-4o"));
        mixed.putAll(upstream(1, "azure", "o3-mini"));
        Map<String, Object> partly = model("partly", "1", "2", false, "openai");
        partly.remove("deployment.base-url");
        partly.remove("deployment.provider");
        partly.putAll(upstream(0, "openai", "gpt-4o"));
        partly.putAll(upstream(1, "openai", "my-fine-tune"));

        ModelCatalog catalog = catalog(mixed, partly);

        // a prompt gpt-4o cannot read goes to o3-mini rather than to the fallbacks, and unseen input is reserved at
        // what o3-mini can bill
        CatalogModel both = catalog.find("mixed").orElseThrow();
        assertThat(both.contextWindow()).isEqualTo(200_000L);
        assertThat(both.deployments()).extracting(CatalogModel::contextWindow).containsExactly(200_000L, 200_000L);
        assertThat(both.fits(150_000)).isTrue();
        assertThat(catalog.find("partly").orElseThrow().contextWindow())
                .as("the unknown deployment may read and bill more than gpt-4o").isNull();
    }

    @Test
    void anImageCountsTheModelsMaxImageTokensOnEveryDeploymentAndByDefaultWhatGpt4oAndClaudeCountAtMost() {
        Map<String, Object> configured = model("vision", "1", "2", false, "openai");
        configured.put("max-image-tokens", 2000);
        CatalogModel vision = catalog(configured).find("vision").orElseThrow();
        CatalogModel plain = catalog(model("m", "1", "2", false, "openai")).find("m").orElseThrow();

        // 10 tokens of text and 2 images
        assertThat(vision.promptTokens(10, 2)).isEqualTo(4010);
        assertThat(vision.deployments().get(0).promptTokens(10, 2)).as("the model on its deployment").isEqualTo(4010);
        assertThat(plain.promptTokens(10, 2)).as("1,600 each: gpt-4o's 1,445, Claude's about 1,600").isEqualTo(3210);
        assertThat(plain.promptTokens(10, 0)).isEqualTo(10);
    }

    @Test
    void aModelOfAFamilyThatCountsImagesHigherIsReservedAtItsFamilysCountUnlessTheOperatorSaysOtherwise() {
        Map<String, Object> mini = model("mini", "1", "2", false, "openai");
        mini.put("deployment.upstream-model", "gpt-4o-mini-2024-07-18");
        Map<String, Object> routed = model("routed-mini", "1", "2", false, "openai");
        routed.put("deployment.upstream-model", "openai/gpt-4o-mini");
        Map<String, Object> set = model("gpt-4o-mini", "1", "2", false, "openai");
        set.put("max-image-tokens", 3000);
        ModelCatalog catalog = catalog(mini, routed, set, model("gpt-4o", "1", "2", false, "openai"));

        assertThat(catalog.find("mini").orElseThrow().maxImageTokens()).isEqualTo(48_169);
        assertThat(catalog.find("routed-mini").orElseThrow().maxImageTokens()).as("behind a router's openai/")
                .isEqualTo(48_169);
        assertThat(catalog.find("gpt-4o-mini").orElseThrow().maxImageTokens()).as("the operator's value")
                .isEqualTo(3000);
        assertThat(catalog.find("gpt-4o").orElseThrow().maxImageTokens()).as("gpt-4o's 1,445 is below the default")
                .isEqualTo(1600);
    }

    @Test
    void refusesMaxImageTokensBelowOne() {
        for (long tokens : new long[] {0, -1}) {
            Map<String, Object> model = model("m", "1", "2", false, "openai");
            model.put("max-image-tokens", tokens);
            assertThatThrownBy(() -> catalog(model)).hasMessageContaining("max-image-tokens must be positive");
        }
    }

    @Test
    void refusesDuplicateDeploymentNamesUnknownFallbacksAndBothDeploymentForms() {
        Map<String, Object> a = model("a", "1", "2", false, "openai");
        a.put("deployment.name", "shared");
        Map<String, Object> b = model("b", "1", "2", false, "openai");
        b.put("deployment.name", "shared");
        assertThatThrownBy(() -> catalog(a, b)).hasMessageContaining("'shared' is already used");

        Map<String, Object> lost = model("lost", "1", "2", false, "openai");
        lost.put("routing.fallbacks[0]", "nowhere");
        assertThatThrownBy(() -> catalog(lost)).hasMessageContaining("'nowhere', which is not a configured model");

        Map<String, Object> both = model("both", "1", "2", false, "openai");
        both.putAll(deployment(0, "x", null));
        assertThatThrownBy(() -> catalog(both)).hasMessageContaining("both deployment and deployments");
    }

    /** Entry {@code index} of a model's deployments list. */
    private static Map<String, Object> upstream(int index, String provider, String upstreamModel) {
        return Config.entry("deployments", index, Config.pairs("provider", provider, "upstream-model", upstreamModel,
                "base-url", "http://127.0.0.1:1/v1"));
    }

    private static Map<String, Object> deployment(int index, String name, Long rpm) {
        return Config.entry("deployments", index, Config.pairs("name", name, "base-url", "http://127.0.0.1:1/v1",
                "rpm", rpm));
    }
}
