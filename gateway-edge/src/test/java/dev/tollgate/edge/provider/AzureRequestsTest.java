package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Config;
import org.junit.jupiter.api.Test;

import static dev.tollgate.edge.provider.Recorded.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** How a chat completion is addressed and shaped for Azure OpenAI. */
class AzureRequestsTest {

    static CatalogModel model(String baseUrl, String apiVersion, String azureDeployment) {
        TollgateProperties.Deployment deployment = Config.bind(TollgateProperties.Deployment.class,
                "provider", "azure", "base-url", baseUrl, "api-version", apiVersion,
                "azure-deployment", azureDeployment);
        return new CatalogModel("gpt-4o", 4096, null, "azure", "azure-eu", "chatgpt-v-2", deployment);
    }

    @Test
    void theDeploymentUrlCarriesTheDeploymentAndTheApiVersion() {
        assertThat(AzureRequests.url(model("https://openai-gpt-4-test-v-1.openai.azure.com/", "2023-05-15", null)))
                .isEqualTo("https://openai-gpt-4-test-v-1.openai.azure.com/openai/deployments/chatgpt-v-2"
                        + "/chat/completions?api-version=2023-05-15");
        assertThat(AzureRequests.url(model("https://r.openai.azure.com/openai", null, "my gpt")))
                .as("a base ending in /openai, a deployment named in the config, the default version")
                .isEqualTo("https://r.openai.azure.com/openai/deployments/my%20gpt/chat/completions"
                        + "?api-version=" + AzureRequests.DEFAULT_API_VERSION);
    }

    @Test
    void streamOptionsAreOnlySentToApiVersionsThatAcceptThem() {
        ObjectNode body = JSON.createObjectNode().put("model", "chatgpt-v-2").put("stream", true);
        body.putObject("stream_options").put("include_usage", true);

        assertThat(AzureRequests.body(model("https://r", "2024-10-21", null), body.deepCopy()).has("stream_options"))
                .isTrue();
        assertThat(AzureRequests.body(model("https://r", "2025-01-01-preview", null), body.deepCopy())
                .has("stream_options")).isTrue();
        assertThat(AzureRequests.body(model("https://r", "2024-06-01", null), body.deepCopy()).has("stream_options"))
                .isFalse();
        assertThat(AzureRequests.body(model("https://r", "2023-05-15", null), body.deepCopy()).has("stream_options"))
                .isFalse();
    }

    @Test
    void theBodyEveryAttemptSharesKeepsItsStreamOptionsWhenAnOldApiVersionGetsItsOwnCopyWithout() {
        ObjectNode shared = JSON.createObjectNode().put("model", "chatgpt-v-2").put("stream", true);
        shared.putObject("stream_options").put("include_usage", true);
        ObjectNode before = shared.deepCopy();

        ObjectNode sent = AzureRequests.body(model("https://r", "2023-05-15", null), shared);

        assertThat(sent.has("stream_options")).isFalse();
        assertThat(sent.path("model").asText()).isEqualTo("chatgpt-v-2");
        assertThat(sent.path("stream").asBoolean()).isTrue();
        // a fallback after this attempt (OpenAI-compatible, a newer Azure) must still be asked for its usage
        assertThat(shared).isEqualTo(before);
    }

    @Test
    void azuresRecordedAnswerIsAChatCompletionWithItsUsage() {
        // Azure answers in OpenAI's shape plus content-filter fields; the gateway passes it on untouched, so the
        // recorded answer must carry what the usage reader needs.
        var answer = Recorded.json("azure/chat-completion.json");
        assertThat(answer.path("choices").get(0).path("message").path("content").asText()).startsWith("Yes");
        assertThat(answer.path("usage").path("prompt_tokens").asLong()).isEqualTo(2024);
        assertThat(answer.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(1024);
        assertThat(answer.has("prompt_filter_results")).isTrue();
    }
}
