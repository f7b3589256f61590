package dev.tollgate.edge.config;

import dev.tollgate.edge.config.TollgateProperties.Strategy;
import dev.tollgate.edge.support.Config;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The tollgate.* tree binds the operators' YAML as it always did, with the documented defaults, and stays as bound. */
class TollgatePropertiesTest {

    @Test
    void nothingConfiguredGivesTheDefaultsOfDocsConfiguration() {
        TollgateProperties tree = Config.tollgate();
        assertThat(tree.demo()).isFalse();
        assertThat(tree.masterKey()).isNull();
        assertThat(tree.dataDir()).isEqualTo(Path.of("tollgate-data"));
        assertThat(tree.embeddedPostgres()).isEqualTo(new TollgateProperties.EmbeddedPostgres(0, true));
        assertThat(tree.ledger()).isEqualTo(new TollgateProperties.Ledger(Duration.ofMinutes(15),
                Duration.ofSeconds(30), 16, 256, 4, 5, Duration.ofSeconds(60), 10_000, Duration.ofMillis(20),
                Duration.ofMillis(50)));
        assertThat(tree.boosts().expirySweepInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tree.edge()).isEqualTo(new TollgateProperties.Edge(DataSize.ofMegabytes(8), Duration.ofSeconds(5),
                Duration.ofMinutes(10), Duration.ofMillis(500), false, Map.of(), 16));
        assertThat(tree.outbound()).isEqualTo(new TollgateProperties.Outbound(List.of(), false,
                DataSize.ofMegabytes(32), Duration.ofSeconds(5), Duration.ofSeconds(30)));
        assertThat(tree.alerts()).isEqualTo(new TollgateProperties.Alerts(Duration.ofSeconds(1), 20,
                Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofHours(25), Duration.ofMinutes(2),
                Duration.ofSeconds(10), Duration.ofMinutes(5), null, Duration.ofSeconds(10)));
        assertThat(tree.redis()).isEqualTo(new TollgateProperties.Redis(null, "tollgate:", Duration.ofSeconds(3)));
        assertThat(tree.routing()).isEqualTo(new TollgateProperties.Routing(Strategy.WEIGHTED_SHUFFLE, null,
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10),
                new TollgateProperties.Cooldown(3, Duration.ofMinutes(1), Duration.ofSeconds(30)), List.of(),
                List.of()));
        assertThat(tree.models()).isEmpty();
        assertThat(tree.litellmConfig()).isNull();
        assertThat(tree.litellmStrict()).isFalse();
        TollgateProperties.Telemetry telemetry = tree.telemetry();
        assertThat(telemetry.otlp()).isEqualTo(new TollgateProperties.Telemetry.Otlp(null, null, Map.of(),
                Duration.ofSeconds(10), Duration.ofSeconds(2), "tollgate"));
        assertThat(telemetry.traces().includeUserId()).isTrue();
        assertThat(telemetry.metrics()).isEqualTo(new TollgateProperties.Telemetry.Metrics(200,
                Duration.ofSeconds(30), Duration.ofSeconds(10)));
        assertThat(tree.reports()).isEqualTo(new TollgateProperties.Reports("USD", "tollgate", "Tollgate"));
        assertThat(tree.pricing()).isEqualTo(new TollgateProperties.Pricing(List.of(), null,
                Duration.ofMinutes(1)));
        assertThat(telemetry.health().optionalProcessors()).containsExactly("recalculation-replay");
    }

    @Test
    void aModelEntryGetsItsDefaultsAndLeavesItsRoutingToTollgateRouting() {
        TollgateProperties.Model model = Config.bind(TollgateProperties.Model.class, "name", "m");
        assertThat(model.maxOutputTokens()).isEqualTo(4096);
        assertThat(model.maxImageTokens()).as("by the deployments' families (ModelCatalog)").isNull();
        assertThat(model.contextWindow()).isNull();
        assertThat(model.kind()).isEqualTo("chat");
        assertThat(model.prices()).isEqualTo(new TollgateProperties.Prices(null, null, null, null, null, null,
                Map.of(), false));
        assertThat(model.deployment()).isEqualTo(new TollgateProperties.Deployment(null, "openai", null, null, null,
                Duration.ZERO, null, null, 1, null, List.of(), null, null, null, null));
        assertThat(model.deployments()).isEmpty();
        assertThat(model.routing()).isEqualTo(new TollgateProperties.RoutingOverrides(null, null, null, null, null,
                new TollgateProperties.CooldownOverrides(null, null, null), null, null));
    }

    @Test
    void anOutputLimitGoesInOpenAisCurrentFieldOnlyWhereTheUpstreamTakesIt() {
        assertThat(field("openai", "https://api.openai.com/v1", "gpt-4o-mini")).isEqualTo("max_completion_tokens");
        assertThat(field("openai", "https://eu.api.openai.com/v1", "o3")).isEqualTo("max_completion_tokens");
        assertThat(field("openai", "https://api.mistral.ai/v1", "mistral-small"))
                .as("another OpenAI-compatible server").isEqualTo("max_tokens");
        assertThat(field("openai", "http://localhost:11434/v1", "llama3.1")).isEqualTo("max_tokens");
        assertThat(field("openai", "not a url", "m")).isEqualTo("max_tokens");
        assertThat(field("openai", "https://r.openai.azure.com/openai/v1", "o4-mini"))
                .as("OpenAI's reasoning models refuse max_tokens wherever they are served")
                .isEqualTo("max_completion_tokens");
        assertThat(field("azure", "https://r.openai.azure.com", "o4-mini")).isEqualTo("max_completion_tokens");
        assertThat(field("azure", "https://r.openai.azure.com", "gpt-5-mini")).isEqualTo("max_completion_tokens");
        assertThat(field("azure", "https://r.openai.azure.com", "gpt-4o")).isEqualTo("max_tokens");
        assertThat(field("anthropic", "https://api.anthropic.com", "claude-sonnet-4-5")).isEqualTo("max_tokens");
        TollgateProperties.Deployment configured = Config.bind(TollgateProperties.Deployment.class,
                "output-limit-field", "max_completion_tokens");
        assertThat(configured.outputLimitField())
                .isEqualTo(TollgateProperties.OutputLimitField.MAX_COMPLETION_TOKENS);
    }

    private static String field(String provider, String baseUrl, String upstreamModel) {
        return TollgateProperties.OutputLimitField.defaultFor(provider, baseUrl, upstreamModel).field();
    }

    @Test
    void theTestAndDemoYamlBindIntoTheTreeAsWritten() throws IOException {
        TollgateProperties routing = bindYaml("application-routing.yaml");
        TollgateProperties.Model spread = model(routing, "spread");
        assertThat(spread.routing().strategy()).isEqualTo(Strategy.USAGE_BASED);
        assertThat(spread.deployments()).extracting(TollgateProperties.Deployment::name,
                TollgateProperties.Deployment::rpm).containsExactly(tuple("spread-a", 2L), tuple("spread-b", 4L),
                tuple("spread-c", 6L));
        TollgateProperties.Model cool = model(routing, "cool");
        assertThat(cool.routing().cooldown()).isEqualTo(new TollgateProperties.CooldownOverrides(1, null,
                Duration.ofSeconds(2)));
        assertThat(cool.routing().fallbacks()).containsExactly("cool-fb");
        assertThat(cool.routing().numRetries()).as("left to tollgate.routing").isNull();
        assertThat(model(routing, "hasty").deployment().timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(routing.routing().retryBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(routing.routing().maxRetryBackoff()).as("the default beside it").isEqualTo(Duration.ofSeconds(2));

        TollgateProperties demo = bindYaml("tollgate-demo.yaml");
        assertThat(demo.demo()).isTrue();
        TollgateProperties.Model image = model(demo, "mock-dall-e-3");
        assertThat(image.kind()).isEqualTo("image");
        assertThat(image.prices().imagePrices()).as("in the file's order")
                .containsExactly(Map.entry("1024x1024/hd", new BigDecimal("0.08")),
                        Map.entry("1024x1792/standard", new BigDecimal("0.08")),
                        Map.entry("1792x1024/standard", new BigDecimal("0.08")),
                        Map.entry("1024x1792/hd", new BigDecimal("0.12")),
                        Map.entry("1792x1024/hd", new BigDecimal("0.12")));
        assertThat(model(demo, "mock-gpt-4o").prices().cachedInput()).isEqualTo(new BigDecimal("1.25"));
    }

    @Test
    void theTreeCannotBeChangedOnceBound() throws IOException {
        TollgateProperties routing = bindYaml("application-routing.yaml");
        assertThatThrownBy(() -> routing.models().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> model(routing, "spread").deployments().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> model(routing, "ordered").routing().fallbacks().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> model(bindYaml("tollgate-demo.yaml"), "mock-dall-e-3").prices().imagePrices().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static TollgateProperties bindYaml(String resource) throws IOException {
        List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(resource,
                new ClassPathResource(resource));
        return new Binder(ConfigurationPropertySources.from(sources)).bindOrCreate("tollgate",
                TollgateProperties.class);
    }

    private static TollgateProperties.Model model(TollgateProperties tree, String name) {
        return tree.models().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }
}
