package dev.tollgate.edge.litellm;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.catalog.ModelRouting;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.litellm.LiteLlmImport.Deployment;
import dev.tollgate.edge.litellm.LiteLlmImport.Finding;
import dev.tollgate.edge.support.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The importer on LiteLLM proxy configs we wrote in LiteLLM's format (src/test/resources/litellm/README.md lists them). */
class LiteLlmImportTest {

    static Path fixture(String name) {
        try {
            return Path.of(LiteLlmImportTest.class.getResource("/litellm/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static LiteLlmImport load(String name, Map<String, String> env) {
        return LiteLlmMapping.map(LiteLlmYaml.read(fixture(name)), env::get);
    }

    static Deployment deployment(LiteLlmImport imported, int index) {
        return imported.deployments().stream().filter(d -> d.index() == index).findFirst().orElseThrow();
    }

    static Finding finding(LiteLlmImport imported, String field) {
        return imported.findings().stream().filter(f -> f.field().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding for " + field + " in " + imported.findings()));
    }

    /** Tollgate's own start-up checks accept what was imported. */
    static ModelCatalog catalog(LiteLlmImport imported) {
        return new ModelCatalog(Config.tollgate(), List.of(imported::models));
    }

    /** A configuration with one model of its own ("mine", on the mock provider) and {@code more} settings. */
    static TollgateProperties withMine(Object... more) {
        Map<String, Object> properties = Config.pairs("models[0].name", "mine", "models[0].deployment.provider", "mock");
        properties.putAll(Config.pairs(more));
        return Config.tollgate(properties);
    }

    @Test
    void openAisKnownFamiliesAreImportedWithTheirImageWorstCaseAndHiddenReasoning() {
        LiteLlmImport imported = load("openai-families.yaml", Map.of());

        Map<String, TollgateProperties.Model> models = new java.util.HashMap<>();
        imported.models().forEach(m -> models.put(m.name(), m));
        assertThat(models.get("mini").maxImageTokens()).as("gpt-4o-mini counts up to 48,169 per image")
                .isEqualTo(48_169);
        assertThat(models.get("mini").hiddenReasoning()).isFalse();
        assertThat(models.get("thinker").maxImageTokens()).isEqualTo(2_642);
        assertThat(models.get("thinker").hiddenReasoning()).as("o4-mini does not stream its reasoning").isTrue();
        assertThat(models.get("azure-thinker").hiddenReasoning()).isTrue();
        assertThat(models.get("local").maxImageTokens()).as("Tollgate's default")
                .isEqualTo(TollgateProperties.Model.DEFAULT_MAX_IMAGE_TOKENS);
        assertThat(models.get("local").hiddenReasoning()).isFalse();
    }

    @Test
    void maxInputTokensIsTheContextWindowAndWithoutItAnOpenAiFamilyGetsTheCatalogsDefaultAsAConfiguredModelWould() {
        LiteLlmImport routed = load("routed-group.yaml", Map.of());
        LiteLlmImport mixed = load("mixed-providers-and-refusals.yaml", Map.of());

        assertThat(routed.models()).extracting(TollgateProperties.Model::contextWindow)
                .as("the import writes only what the file says").containsExactly(128_000L, null, null);
        ModelCatalog catalog = catalog(routed);
        assertThat(catalog.find("team-chat").orElseThrow().contextWindow())
                .as("max_input_tokens, though one deployment is an Azure name Tollgate does not know")
                .isEqualTo(128_000L);
        assertThat(catalog.find("team-chat-large").orElseThrow().contextWindow()).as("openai/gpt-4.1")
                .isEqualTo(1_047_576L);
        assertThat(catalog(mixed).find("writer-long").orElseThrow().contextWindow()).as("gpt-4o-2024-08-06")
                .isEqualTo(128_000L);
        assertThat(catalog(mixed).find("writer").orElseThrow().contextWindow())
                .as("azure/writer-gpt4o names a deployment, not a family").isNull();
    }

    @Test
    void aMixedProxyConfigImportsWhatTollgateCanServeAndNamesEverythingElse() {
        LiteLlmImport imported = load("mixed-providers-and-refusals.yaml", Map.of());

        assertThat(imported.models()).extracting(TollgateProperties.Model::name).containsExactly(
                "writer", "writer-long", "helpdesk", "sketcher", "local-echo", "echo-pool", "flaky", "fast-llama");
        CatalogModel azure = catalog(imported).find("writer").orElseThrow();
        assertThat(azure.provider()).isEqualTo("azure");
        assertThat(azure.upstreamModel()).as("the Azure deployment").isEqualTo("writer-gpt4o");
        assertThat(azure.deployment().baseUrl()).isEqualTo("https://tollgate-fixture-sweden.openai.azure.com/");
        assertThat(azure.deployment().apiVersion()).isEqualTo("2024-06-01");
        assertThat(azure.deployment().apiKeyEnv()).isEqualTo("TG_AZURE_KEY");
        assertThat(azure.deploymentName()).isEqualTo("writer@azure/writer-gpt4o");
        CatalogModel unprefixed = catalog(imported).find("writer-long").orElseThrow();
        assertThat(unprefixed.provider()).isEqualTo("openai");
        assertThat(unprefixed.deployment().baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(unprefixed.upstreamModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(unprefixed.outputLimitField()).as("OpenAI's o-series refuse max_tokens")
                .isEqualTo("max_completion_tokens");
        assertThat(azure.outputLimitField()).as("not a reasoning model").isEqualTo("max_tokens");
        assertThat(finding(imported, "model_list[1].litellm_params.model").message()).contains("no provider prefix");
        assertThat(deployment(imported, 1).rpm()).isEqualTo(240);
        assertThat(catalog(imported).find("helpdesk").orElseThrow().deploymentName())
                .as("model_info.id names the deployment").isEqualTo("litellm-hd-main");
        assertThat(catalog(imported).find("fast-llama").orElseThrow().deployment().baseUrl())
                .isEqualTo("https://api.groq.com/openai/v1");

        assertThat(imported.refusals()).extracting(Finding::field).containsExactly(
                "model_list[2].litellm_params.model", "model_list[5].model_name", "model_list[6].model_info.mode",
                "model_list[7].litellm_params.model", "model_list[13].model_name", "model_list[15].model_name",
                "model_list[16].litellm_params.model");
        assertThat(finding(imported, "model_list[2].litellm_params.model").message()).contains("'bedrock'");
        assertThat(finding(imported, "model_list[5].model_name").message()).contains("wildcard");
        assertThat(finding(imported, "model_list[6].model_info.mode").message()).contains("'embedding'");
        assertThat(finding(imported, "model_list[7].litellm_params.model").message())
                .contains("names no model or deployment");
        assertThat(finding(imported, "model_list[13].model_name").message()).contains("wildcard");
        assertThat(finding(imported, "model_list[16].litellm_params.model").message())
                .contains("'text-completion-openai'");

        // several entries of one model: all of them serve it, as its deployments, in the file's order
        CatalogModel helpdesk = catalog(imported).find("helpdesk").orElseThrow();
        assertThat(helpdesk.deployments()).extracting(CatalogModel::deploymentName)
                .containsExactly("litellm-hd-main", "helpdesk@azure/helpdesk-backup");
        assertThat(helpdesk.deployments().get(1).provider()).isEqualTo("azure");
        CatalogModel pool = catalog(imported).find("echo-pool").orElseThrow();
        assertThat(pool.deployments()).extracting(CatalogModel::upstreamModel).containsExactly("echo-one", "echo-two");
        assertThat(pool.deployments()).extracting(d -> d.deployment().rpm()).containsExactly(800L, 800L);
        assertThat(imported.findings().toString()).doesNotContain("routing lands").doesNotContain("read but not")
                .doesNotContain("only the first");

        assertThat(finding(imported, "model_list[9].litellm_params.api_key").message())
                .contains("os.environ/NAME");
        assertThat(finding(imported, "model_list[3].litellm_params.region_name").message()).contains("not used");
        assertThat(deployment(imported, 1).timeout()).as("litellm_params.timeout, seconds")
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(deployment(imported, 0).timeout()).as("litellm_settings.request_timeout for the others")
                .isEqualTo(Duration.ofSeconds(300));
        assertThat(catalog(imported).find("writer-long").orElseThrow().deployment().timeout())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(finding(imported, "model_list[10].litellm_params.stream_timeout").message())
                .contains("one timeout");
        assertThat(finding(imported, "model_list[12].litellm_params.mock_timeout").message()).contains("not used");
        assertThat(finding(imported, "general_settings.master_key").message()).contains("TOLLGATE_MASTER_KEY");
        assertThat(finding(imported, "general_settings").message()).contains("store_model_in_db");
        assertThat(finding(imported, "litellm_settings").message()).contains("drop_params")
                .doesNotContain("num_retries");
        assertThat(finding(imported, "router_settings.redis_host").message()).contains("not used");
        assertThat(finding(imported, "finetune_settings").level()).isEqualTo(LiteLlmImport.Level.WARNING);
        assertThat(finding(imported, "files_settings").level()).isEqualTo(LiteLlmImport.Level.WARNING);

        LiteLlmImport.RouterSettings router = imported.router();
        assertThat(router.routingStrategy()).isEqualTo("usage-based-routing-v2");
        assertThat(router.strategy()).isEqualTo(TollgateProperties.Strategy.USAGE_BASED);
        assertThat(router.numRetries()).as("from litellm_settings").isEqualTo(4);
        assertThat(router.contextWindowFallbacks()).isEqualTo(Map.of("writer", List.of("writer-long")));
        ModelRouting writer = catalog(imported).find("writer").orElseThrow().routing();
        assertThat(writer.strategy()).isEqualTo(TollgateProperties.Strategy.USAGE_BASED);
        assertThat(writer.numRetries()).isEqualTo(4);
        assertThat(writer.contextWindowFallbacks()).containsExactly("writer-long");

        assertThat(imported.findings().toString()).as("no secret in any message")
                .doesNotContain("sk-tgfixture-master-0000").doesNotContain("tgfix-plain-key-alpha")
                .doesNotContain("tgfix-plain-key-beta");
    }

    @Test
    void azureConfigsKeepTheirVersionsAndTpmsWrittenWithUnderscores() {
        LiteLlmImport imported = load("azure-deployments.yaml", Map.of());

        assertThat(imported.refusals()).isEmpty();
        assertThat(deployment(imported, 0).tpm()).isEqualTo(45_000);
        assertThat(deployment(imported, 1).tpm()).isEqualTo(250_000);
        assertThat(deployment(imported, 0).apiVersion()).isEqualTo("2024-08-01-preview");
        assertThat(deployment(imported, 1).apiVersion()).isNull();
        assertThat(finding(imported, "model_list[1].litellm_params.api_version").message()).contains("2024-10-21");
        assertThat(finding(imported, "model_list[0].litellm_params.max_retries").message()).contains("not used");
        assertThat(finding(imported, "model_list[1].litellm_params.stream_timeout").message()).contains("not used");
        assertThat(deployment(imported, 0).timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(deployment(imported, 1).timeout()).isNull();
        assertThat(catalog(imported).find("claims-review").orElseThrow().upstreamModel()).isEqualTo("review-gpt4o");

        LiteLlmImport regions = load("azure-regional-pair.yaml", Map.of());
        assertThat(regions.models()).hasSize(1);
        assertThat(regions.deployments()).extracting(Deployment::baseUrl).containsExactly(
                "https://tollgate-fixture-canadaeast.openai.azure.com/",
                "https://tollgate-fixture-francecentral.openai.azure.com/");
        assertThat(regions.deployments()).extracting(Deployment::tpm).containsExactly(60_000, 60_000);
        assertThat(catalog(regions).find("translator").orElseThrow().deployments())
                .extracting(d -> d.deployment().baseUrl(), d -> d.deployment().tpm()).containsExactly(
                        tuple("https://tollgate-fixture-canadaeast.openai.azure.com/", 60_000L),
                        tuple("https://tollgate-fixture-francecentral.openai.azure.com/", 60_000L));
        assertThat(regions.findings().toString()).doesNotContain("tgfix-ca-4471").doesNotContain("tgfix-fr-8830");
    }

    @Test
    void aLoadBalancedGroupRefusesAnUnknownProviderAndNeverShowsItsSecrets() {
        LiteLlmImport imported = load("load-balanced-group.yaml", Map.of());

        assertThat(imported.models()).extracting(TollgateProperties.Model::name).containsExactly("team-chat");
        assertThat(imported.deployments()).hasSize(3);
        assertThat(deployment(imported, 0).tpm()).as("tpm beside litellm_params").isEqualTo(30000);
        assertThat(deployment(imported, 0).rpm()).isEqualTo(12);
        assertThat(deployment(imported, 2).baseUrl()).isEqualTo("https://openrouter.ai/api/v1");
        assertThat(deployment(imported, 2).upstreamModel()).isEqualTo("openai/gpt-4o-mini");
        assertThat(finding(imported, "model_list[3].litellm_params.model").message()).contains("'meta-llama'");
        assertThat(finding(imported, "environment_variables").level()).isEqualTo(LiteLlmImport.Level.WARNING);
        assertThat(imported.router().strategy()).isEqualTo(TollgateProperties.Strategy.LEAST_BUSY);
        CatalogModel teamChat = catalog(imported).find("team-chat").orElseThrow();
        assertThat(teamChat.routing().strategy()).isEqualTo(TollgateProperties.Strategy.LEAST_BUSY);
        assertThat(teamChat.deployments()).extracting(d -> d.deployment().rpm(), d -> d.deployment().tpm())
                .containsExactly(tuple(12L, 30_000L), tuple(12L, 30_000L), tuple(null, null));
        assertThat(imported.findings().toString()).doesNotContain("tgfix-lb-key-one").doesNotContain("tgfix-lb-key-two")
                .doesNotContain("tgfix-cache-secret-77");
    }

    @Test
    void ollamaModelsAreServedThroughOllamasOpenAiCompatibleApi() {
        LiteLlmImport imported = load("ollama-aliases.yaml", Map.of());

        CatalogModel assistant = catalog(imported).find("house-assistant").orElseThrow();
        assertThat(assistant.provider()).isEqualTo("openai");
        assertThat(assistant.deployment().baseUrl()).isEqualTo("http://localhost:11434/v1");
        assertThat(assistant.upstreamModel()).isEqualTo("qwen2.5:7b");
        assertThat(assistant.outputLimitField()).as("Ollama knows max_tokens only").isEqualTo("max_tokens");
        CatalogModel coder = catalog(imported).find("house-coder").orElseThrow();
        assertThat(coder.deployment().baseUrl()).isEqualTo("http://gpu-box.fixture.internal:11434/v1");
        assertThat(coder.upstreamModel()).isEqualTo("qwen2.5-coder:14b");
        assertThat(finding(imported, "model_list[2].litellm_params.temperature").message()).contains("not used");
        assertThat(finding(imported, "model_list[2].litellm_params.max_tokens").message()).contains("not used");
        assertThat(assistant.configuredPrice())
                .as("no prices in the file: refused until priced, never free by accident").isNull();
    }

    @Test
    void anApiBaseFromTheEnvironmentIsReadAtStartOrTheEntryIsRefusedNamingTheVariable() {
        LiteLlmImport unset = load("api-base-from-env.yaml", Map.of());
        assertThat(unset.models()).isEmpty();
        assertThat(finding(unset, "model_list[0].litellm_params.api_base").message())
                .contains("TG_STAGING_UPSTREAM_URL").contains("not set");
        assertThat(finding(unset, "litellm_settings").message()).contains("cache");

        LiteLlmImport set = load("api-base-from-env.yaml",
                Map.of("TG_STAGING_UPSTREAM_URL", "http://127.0.0.1:8090/v1"));
        assertThat(set.models()).hasSize(1);
        assertThat(set.models().get(0).deployments().get(0).baseUrl()).isEqualTo("http://127.0.0.1:8090/v1");
        assertThat(set.findings().toString()).doesNotContain("tgfix-staging-key");
    }

    @Test
    void perTokenCostsBecomeExactPricesPerMillionAndTheOtherProvidersMap() {
        LiteLlmImport imported = load("per-token-prices-and-fallbacks.yaml", Map.of());
        ModelCatalog catalog = catalog(imported);

        CatalogModel claude = catalog.find("claude-sonnet").orElseThrow();
        assertThat(claude.provider()).isEqualTo("anthropic");
        assertThat(claude.deployment().baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(claude.upstreamModel()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(claude.maxOutputTokens()).isEqualTo(64000);
        assertThat(claude.maxImageTokens()).as("LiteLLM has no such setting: Tollgate's default").isEqualTo(1600);
        TollgateProperties.Prices prices = imported.models().get(0).prices();
        assertThat(prices.input()).isEqualTo(new BigDecimal("3"));
        assertThat(prices.output()).isEqualTo(new BigDecimal("15"));
        assertThat(prices.cachedInput()).isEqualTo(new BigDecimal("0.3"));

        Deployment vllm = deployment(imported, 1);
        assertThat(vllm.provider()).isEqualTo("openai");
        assertThat(vllm.baseUrl()).isEqualTo("http://vllm.internal:8000/v1");
        assertThat(vllm.upstreamModel()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(vllm.rpm()).isEqualTo(600);
        assertThat(vllm.tpm()).isEqualTo(200_000);
        assertThat(vllm.weight()).isEqualTo(2);
        assertThat(vllm.inputPerMillion()).as("22 significant digits, no double in between")
                .isEqualTo(new BigDecimal("0.0123456789012345"));
        assertThat(vllm.outputPerMillion()).isEqualTo(new BigDecimal("0.02"));

        assertThat(deployment(imported, 2).baseUrl()).isEqualTo("http://localhost:1234/v1");
        Deployment router = deployment(imported, 3);
        assertThat(router.baseUrl()).isEqualTo("https://openrouter.ai/api/v1");
        assertThat(router.upstreamModel()).isEqualTo("openai/gpt-4o");
        assertThat(router.deploymentName()).isEqualTo("litellm-openrouter-4o");
        assertThat(router.inputPerMillion()).isEqualTo(new BigDecimal("2.5"));
        assertThat(router.outputPerMillion()).isEqualTo(new BigDecimal("10"));

        assertThat(catalog.find("half-priced").orElseThrow().configuredPrice()).isNull();
        assertThat(finding(imported, "model_list[4]").message()).contains("not both");

        assertThat(imported.router().strategy()).isEqualTo(TollgateProperties.Strategy.WEIGHTED_SHUFFLE);
        assertThat(imported.router().numRetries()).isEqualTo(3);
        assertThat(imported.router().allowedFails()).isEqualTo(2);
        assertThat(imported.router().cooldownTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(imported.router().fallbacks()).isEqualTo(Map.of("claude-sonnet", List.of("router-4o", "llama-local")));
        ModelRouting routing = catalog.find("claude-sonnet").orElseThrow().routing();
        assertThat(routing.fallbacks()).containsExactly("router-4o", "llama-local");
        assertThat(routing.numRetries()).isEqualTo(3);
        assertThat(routing.allowedFails()).isEqualTo(2);
        assertThat(routing.failWindow()).as("LiteLLM counts allowed_fails per minute").isEqualTo(Duration.ofMinutes(1));
        assertThat(routing.cooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(catalog.find("llama-local").orElseThrow().deployment().weight()).isEqualTo(2);
        assertThat(imported.droppedFallbacks()).isEmpty();
        assertThat(imported.refusals()).isEmpty();
    }

    @Test
    void everyEntryOfAModelIsADeploymentAndTheRouterSettingsReachTheCatalogsRouting() {
        LiteLlmImport imported = load("routed-group.yaml", Map.of());
        ModelCatalog catalog = catalog(imported);

        CatalogModel teamChat = catalog.find("team-chat").orElseThrow();
        assertThat(teamChat.deployments()).hasSize(3);
        assertThat(teamChat.deployments()).extracting(CatalogModel::deploymentName).containsExactly(
                "team-chat@azure/chat-4o-mini", "team-chat@azure/chat-4o-mini#2", "team-chat@openai/gpt-4o-mini");
        assertThat(teamChat.deployments()).extracting(d -> d.deployment().rpm(), d -> d.deployment().tpm(),
                d -> d.deployment().weight()).containsExactly(
                tuple(600L, 200_000L, 1), tuple(300L, 100_000L, 3), tuple(null, null, 2));
        assertThat(teamChat.deployments()).extracting(CatalogModel::provider)
                .containsExactly("azure", "azure", "openai");
        assertThat(teamChat.deployments().get(2).deployment().timeout()).isEqualTo(Duration.ofMillis(45_500));
        assertThat(teamChat.deployments().get(0).deployment().timeout()).isNull();

        // one price per model: the first entry's, the third's differs and is warned about
        assertThat(imported.models().get(0).prices().input()).isEqualTo(new BigDecimal("0.15"));
        assertThat(imported.models().get(0).prices().output()).isEqualTo(new BigDecimal("0.6"));
        assertThat(finding(imported, "model_list[2]").message()).contains("first entry's is used");
        assertThat(imported.findings()).extracting(Finding::field).doesNotContain("model_list[1]");

        assertThat(finding(imported, "model_list[3].rpm").message()).contains("at least 1");
        assertThat(catalog.find("team-chat-large").orElseThrow().deployment().rpm()).isNull();

        for (String name : List.of("team-chat", "team-chat-large", "team-chat-cheap")) {
            ModelRouting routing = catalog.find(name).orElseThrow().routing();
            assertThat(routing.strategy()).as(name).isEqualTo(TollgateProperties.Strategy.LOWEST_LATENCY);
            assertThat(routing.numRetries()).as(name).isEqualTo(2);
            assertThat(routing.allowedFails()).as(name).isEqualTo(4);
            assertThat(routing.failWindow()).as(name).isEqualTo(Duration.ofMinutes(1));
            assertThat(routing.cooldown()).as(name).isEqualTo(Duration.ofMillis(12_500));
        }
        ModelRouting routing = teamChat.routing();
        assertThat(routing.fallbacks()).as("the dangling one dropped").containsExactly("team-chat-cheap");
        assertThat(routing.contextWindowFallbacks()).containsExactly("team-chat-large");
        assertThat(catalog.find("team-chat").orElseThrow().contextWindow())
                .as("model_info.max_input_tokens is the context window").isEqualTo(128_000L);
        assertThat(catalog.find("team-chat-cheap").orElseThrow().routing().fallbacks()).isEmpty();

        assertThat(imported.droppedFallbacks()).singleElement().satisfies(f -> {
            assertThat(f.field()).isEqualTo("router_settings.fallbacks");
            assertThat(f.message()).contains("'team-chat-turbo'").contains("dropped");
        });
        assertThat(imported.warnings()).anySatisfy(f -> assertThat(f.message()).contains("'retired-chat'")
                .contains("not a model imported"));
        assertThat(imported.refusals()).isEmpty();
    }

    @Test
    void aRoutingStrategyWithoutCounterpartIsWarnedAndLeftAtTheDefault() {
        LiteLlmImport imported = LiteLlmMapping.map(LiteLlmYaml.parse(new StringReader("""
                model_list:
                  - model_name: solo
                    litellm_params: {model: openai/gpt-4o-mini, weight: 0}
                litellm_settings:
                  num_retries: 1
                router_settings:
                  routing_strategy: cost-based-routing
                  cooldown_time: soon
                """)), name -> null);

        assertThat(imported.router().strategy()).isNull();
        assertThat(finding(imported, "router_settings.routing_strategy").message()).contains("'cost-based-routing'")
                .contains("default strategy");
        assertThat(finding(imported, "router_settings.cooldown_time").message()).contains("not a number");
        assertThat(finding(imported, "model_list[0].weight").message()).contains("weight 1");
        ModelRouting routing = catalog(imported).find("solo").orElseThrow().routing();
        assertThat(routing.strategy()).as("tollgate.routing's").isEqualTo(TollgateProperties.Strategy.WEIGHTED_SHUFFLE);
        assertThat(routing.cooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(routing.numRetries()).as("litellm_settings.num_retries").isEqualTo(1);
    }

    @Test
    void fallbacksMayNameConfiguredModelsAndStrictModeRefusesDanglingOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                model_list:
                  - model_name: imported-chat
                    litellm_params: {model: openai/gpt-4o-mini}
                router_settings:
                  fallbacks: [{"imported-chat": ["mine", "nowhere"]}, {"mine": ["imported-chat"]}]
                """);
        TollgateProperties properties = withMine("litellm-config", file);

        LiteLlmImport imported = LiteLlmModelSource.apply(properties, name -> null);
        assertThat(imported.router().fallbacks()).isEqualTo(Map.of("imported-chat", List.of("mine")));
        assertThat(imported.droppedFallbacks()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("'nowhere'"));
        assertThat(imported.warnings()).anySatisfy(f -> assertThat(f.message()).contains("'mine'")
                .contains("configured in tollgate.models"));
        ModelCatalog catalog = new ModelCatalog(properties, List.of(imported::models));
        assertThat(catalog.find("imported-chat").orElseThrow().routing().fallbacks()).containsExactly("mine");
        assertThat(catalog.find("mine").orElseThrow().routing().fallbacks()).as("not the file's to set").isEmpty();

        TollgateProperties strict = Config.tollgate("litellm-config", file, "litellm-strict", true);
        assertThatThrownBy(() -> LiteLlmModelSource.apply(strict, name -> null))
                .hasMessageContaining("'nowhere'").hasMessageContaining("'mine'").hasMessageContaining("litellm-strict");
    }

    @Test
    void theModelsJoinTheConfiguredOnesAndStrictModeRefusesToStartOnRefusals() {
        TollgateProperties properties = withMine("litellm-config", fixture("azure-deployments.yaml"));
        Function<String, String> noEnv = name -> null;

        LiteLlmImport imported = LiteLlmModelSource.apply(properties, noEnv);
        assertThat(new ModelCatalog(properties, List.of(imported::models)).all()).extracting(CatalogModel::name)
                .containsExactly("mine", "claims-triage", "claims-review");
        assertThat(properties.models()).as("the configuration is left as it was bound")
                .extracting(TollgateProperties.Model::name).containsExactly("mine");

        TollgateProperties strict = Config.tollgate("litellm-config", fixture("load-balanced-group.yaml"),
                "litellm-strict", true);
        assertThatThrownBy(() -> LiteLlmModelSource.apply(strict, noEnv))
                .hasMessageContaining("model_list[3].litellm_params.model").hasMessageContaining("meta-llama")
                .hasMessageContaining("litellm-strict");
    }
}
