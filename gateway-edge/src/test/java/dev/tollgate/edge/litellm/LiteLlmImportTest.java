package dev.tollgate.edge.litellm;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.litellm.LiteLlmImport.Deployment;
import dev.tollgate.edge.litellm.LiteLlmImport.Finding;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The importer on real LiteLLM example configs (src/test/resources/litellm/README.md says where they come from). */
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
        TollgateProperties properties = new TollgateProperties();
        properties.setModels(imported.models());
        return new ModelCatalog(properties);
    }

    @Test
    void litellmsOwnProxyConfigImportsWhatTollgateCanServeAndNamesEverythingElse() {
        LiteLlmImport imported = load("proxy_server_config.yaml", Map.of());

        assertThat(imported.models()).extracting(TollgateProperties.Model::getName).containsExactly(
                "gpt-3.5-turbo-end-user-test", "gpt-3.5-turbo", "gpt-3.5-turbo-large", "gpt-4", "openai-dall-e-3",
                "fake-openai-endpoint", "fake-openai-endpoint-2", "fake-openai-endpoint-3", "bad-model",
                "mistral-embed");
        CatalogModel azure = catalog(imported).find("gpt-3.5-turbo").orElseThrow();
        assertThat(azure.provider()).isEqualTo("azure");
        assertThat(azure.upstreamModel()).as("the Azure deployment").isEqualTo("chatgpt-v-2");
        assertThat(azure.deployment().getBaseUrl()).isEqualTo("https://openai-gpt-4-test-v-1.openai.azure.com/");
        assertThat(azure.deployment().getApiVersion()).isEqualTo("2023-05-15");
        assertThat(azure.deployment().getApiKeyEnv()).isEqualTo("AZURE_API_KEY");
        assertThat(azure.deploymentName()).isEqualTo("azure/chatgpt-v-2");
        CatalogModel large = catalog(imported).find("gpt-3.5-turbo-large").orElseThrow();
        assertThat(large.provider()).isEqualTo("openai");
        assertThat(large.deployment().getBaseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(large.upstreamModel()).isEqualTo("gpt-3.5-turbo-1106");
        assertThat(deployment(imported, 3).rpm()).isEqualTo(480);
        assertThat(catalog(imported).find("gpt-3.5-turbo-end-user-test").orElseThrow().deploymentName())
                .as("model_info.id names the deployment").isEqualTo("litellm-1");

        assertThat(imported.refusals()).extracting(Finding::field).containsExactly(
                "model_list[5].litellm_params.model", "model_list[6].model_info.mode",
                "model_list[7].litellm_params.model", "model_list[14].model_name", "model_list[15].model_name",
                "model_list[16].model_name", "model_list[18].litellm_params.model");
        assertThat(finding(imported, "model_list[5].litellm_params.model").message()).contains("'sagemaker'");
        assertThat(finding(imported, "model_list[6].model_info.mode").message()).contains("'embedding'");
        assertThat(finding(imported, "model_list[14].model_name").message()).contains("wildcard");
        assertThat(finding(imported, "model_list[18].litellm_params.model").message())
                .contains("'text-completion-openai'");

        // several deployments of one model: read, the first serves it
        assertThat(deployment(imported, 1).used()).isFalse();
        assertThat(deployment(imported, 12).used()).isFalse();
        assertThat(deployment(imported, 12).upstreamModel()).isEqualTo("my-fake-model-2");
        assertThat(finding(imported, "model_list[12]").message()).contains("only the first serves it");

        assertThat(finding(imported, "model_list[9].litellm_params.api_key").message())
                .contains("os.environ/NAME");
        assertThat(finding(imported, "model_list[0].litellm_params.region_name").message()).contains("not used");
        assertThat(finding(imported, "model_list[3].litellm_params.timeout").level()).isEqualTo(LiteLlmImport.Level.WARNING);
        assertThat(finding(imported, "general_settings.master_key").message()).contains("TOLLGATE_MASTER_KEY");
        assertThat(finding(imported, "router_settings.redis_host").message()).contains("not used");
        assertThat(finding(imported, "finetune_settings").level()).isEqualTo(LiteLlmImport.Level.WARNING);

        LiteLlmImport.RouterSettings router = imported.router();
        assertThat(router.routingStrategy()).isEqualTo("usage-based-routing-v2");
        assertThat(router.strategy()).isEqualTo("usage-based");
        assertThat(router.numRetries()).isEqualTo(5);
        assertThat(router.contextWindowFallbacks()).isEqualTo(Map.of("gpt-3.5-turbo", List.of("gpt-3.5-turbo-large")));

        assertThat(imported.findings().toString()).as("no secret in any message")
                .doesNotContain("sk-1234").doesNotContain("my-fake-key").doesNotContain("fake-key,");
    }

    @Test
    void azureConfigsKeepTheirVersionsAndTpmsWrittenWithUnderscores() {
        LiteLlmImport imported = load("azure_config.yaml", Map.of());

        assertThat(imported.refusals()).isEmpty();
        assertThat(deployment(imported, 0).tpm()).isEqualTo(20_000);
        assertThat(deployment(imported, 1).tpm()).isEqualTo(100_000);
        assertThat(deployment(imported, 0).apiVersion()).isEqualTo("2023-05-15");
        assertThat(deployment(imported, 1).apiVersion()).isNull();
        assertThat(finding(imported, "model_list[1].litellm_params.api_version").message()).contains("2024-10-21");
        assertThat(finding(imported, "model_list[0].litellm_params.max_retries").message()).contains("not used");
        assertThat(catalog(imported).find("gpt-4-team2").orElseThrow().upstreamModel()).isEqualTo("gpt-4");

        LiteLlmImport regions = load("azure_config_with_tpm.yaml", Map.of());
        assertThat(regions.models()).hasSize(1);
        assertThat(regions.deployments()).extracting(Deployment::baseUrl).containsExactly(
                "https://my-endpoint-canada-berri992.openai.azure.com/",
                "https://my-endpoint-europe-berri-992.openai.azure.com/");
        assertThat(regions.deployments()).extracting(Deployment::used).containsExactly(true, false);
        assertThat(regions.findings().toString()).doesNotContain("73g").doesNotContain("9kj");
    }

    @Test
    void theLoadBalancerExampleRefusesAnUnknownProviderAndNeverShowsItsSecrets() {
        LiteLlmImport imported = load("load_balancer.yaml", Map.of());

        assertThat(imported.models()).extracting(TollgateProperties.Model::getName).containsExactly("gpt-3.5-turbo");
        assertThat(imported.deployments()).hasSize(3);
        assertThat(deployment(imported, 0).tpm()).as("tpm beside litellm_params").isEqualTo(20000);
        assertThat(deployment(imported, 0).rpm()).isEqualTo(3);
        assertThat(deployment(imported, 2).baseUrl()).isEqualTo("https://openrouter.ai/api/v1");
        assertThat(finding(imported, "model_list[3].litellm_params.model").message()).contains("'mistralai'");
        assertThat(finding(imported, "environment_variables").level()).isEqualTo(LiteLlmImport.Level.WARNING);
        assertThat(imported.findings().toString()).doesNotContain("sk-uj6F").doesNotContain("sk-Imn")
                .doesNotContain("eYVX71");
    }

    @Test
    void ollamaModelsAreServedThroughOllamasOpenAiCompatibleApi() {
        LiteLlmImport imported = load("aliases_config.yaml", Map.of());

        CatalogModel gpt4 = catalog(imported).find("gpt-4").orElseThrow();
        assertThat(gpt4.provider()).isEqualTo("openai");
        assertThat(gpt4.deployment().getBaseUrl()).isEqualTo("http://localhost:11434/v1");
        assertThat(gpt4.upstreamModel()).isEqualTo("llama2");
        assertThat(finding(imported, "model_list[2].litellm_params.temperature").message()).contains("not used");
        assertThat(catalog(imported).find("gpt-4").orElseThrow().configuredPrice())
                .as("no prices in the file: refused until priced, never free by accident").isNull();
    }

    @Test
    void anApiBaseFromTheEnvironmentIsReadAtStartOrTheEntryIsRefusedNamingTheVariable() {
        LiteLlmImport unset = load("multi_instance_simple_config.yaml", Map.of());
        assertThat(unset.models()).isEmpty();
        assertThat(finding(unset, "model_list[0].litellm_params.api_base").message())
                .contains("FAKE_OPENAI_API_BASE").contains("not set");
        assertThat(finding(unset, "litellm_settings").message()).contains("cache");

        LiteLlmImport set = load("multi_instance_simple_config.yaml",
                Map.of("FAKE_OPENAI_API_BASE", "http://127.0.0.1:8090/v1"));
        assertThat(set.models()).hasSize(1);
        assertThat(set.models().get(0).getDeployment().getBaseUrl()).isEqualTo("http://127.0.0.1:8090/v1");
    }

    @Test
    void perTokenCostsBecomeExactPricesPerMillionAndTheOtherProvidersMap() {
        LiteLlmImport imported = load("tollgate_migration.yaml", Map.of());
        ModelCatalog catalog = catalog(imported);

        CatalogModel claude = catalog.find("claude-sonnet").orElseThrow();
        assertThat(claude.provider()).isEqualTo("anthropic");
        assertThat(claude.deployment().getBaseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(claude.upstreamModel()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(claude.maxOutputTokens()).isEqualTo(64000);
        TollgateProperties.Prices prices = imported.models().get(0).getPrices();
        assertThat(prices.getInput()).isEqualTo(new BigDecimal("3"));
        assertThat(prices.getOutput()).isEqualTo(new BigDecimal("15"));
        assertThat(prices.getCachedInput()).isEqualTo(new BigDecimal("0.3"));

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

        assertThat(imported.router().strategy()).isEqualTo("weighted-shuffle");
        assertThat(imported.router().numRetries()).isEqualTo(3);
        assertThat(imported.router().allowedFails()).isEqualTo(2);
        assertThat(imported.router().cooldownTime()).isEqualTo("30");
        assertThat(imported.router().fallbacks()).isEqualTo(Map.of("claude-sonnet", List.of("router-4o", "llama-local")));
        assertThat(finding(imported, "router_settings").message()).contains("not applied");
        assertThat(imported.refusals()).isEmpty();
    }

    @Test
    void theModelsJoinTheConfiguredOnesAndStrictModeRefusesToStartOnRefusals() {
        TollgateProperties properties = new TollgateProperties();
        TollgateProperties.Model own = new TollgateProperties.Model();
        own.setName("mine");
        own.getDeployment().setProvider("mock");
        properties.setModels(List.of(own));
        properties.setLitellmConfig(fixture("azure_config.yaml"));
        Function<String, String> noEnv = name -> null;

        LiteLlmModelSource.apply(properties, noEnv);
        assertThat(properties.getModels()).extracting(TollgateProperties.Model::getName)
                .containsExactly("mine", "gpt-4-team1", "gpt-4-team2");

        TollgateProperties strict = new TollgateProperties();
        strict.setLitellmConfig(fixture("load_balancer.yaml"));
        strict.setLitellmStrict(true);
        assertThatThrownBy(() -> LiteLlmModelSource.apply(strict, noEnv))
                .hasMessageContaining("model_list[3].litellm_params.model").hasMessageContaining("mistralai")
                .hasMessageContaining("litellm-strict");
    }
}
