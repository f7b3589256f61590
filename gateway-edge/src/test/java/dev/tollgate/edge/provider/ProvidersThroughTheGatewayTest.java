package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.tollgate.edge.support.FakeProviders;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Azure OpenAI and Anthropic through the running gateway, against fake providers on loopback answering with the
 * recorded bodies: what reaches the provider (path, version, key header, translated body), what reaches the client
 * (OpenAI shapes, a stream chunk by chunk), and what the ledger charges (the translated usage at the model's prices).
 */
class ProvidersThroughTheGatewayTest extends GatewayTestSupport {

    static final String KEY = "sk-test-provider-key"; // set by surefire, named by api-key-env
    static final TokenCounter TOKENS = new TokenCounter();

    FakeProviders providers() {
        return FakeProviders.shared();
    }

    String key() {
        return newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
    }

    @Test
    void anAnthropicAnswerIsTranslatedBothWaysAndPricedFromItsTranslatedUsage() {
        String marker = unique("marker");
        Http.Response response = http().post("/v1/chat/completions", key(), Map.of("model", "claude-test",
                "messages", List.of(Map.of("role", "system", "content", "Be brief."),
                        Map.of("role", "user", "content", "Who are you? " + marker)),
                "temperature", 0.2, "stop", List.of("END")));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        FakeProviders.Received sent = providers().lastWith(marker);
        assertThat(sent.path()).isEqualTo("/anthropic/v1/messages");
        assertThat(sent.headers()).containsEntry("x-api-key", KEY).containsEntry("anthropic-version", "2023-06-01")
                .doesNotContainKey("authorization");
        JsonNode body = sent.body();
        assertThat(body.path("model").asText()).isEqualTo("claude-text");
        assertThat(body.path("system").asText()).isEqualTo("Be brief.");
        assertThat(body.path("max_tokens").asLong()).as("the model's max-output-tokens: Anthropic requires one")
                .isEqualTo(2048);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").get(0).path("content").get(0).path("text").asText()).contains(marker);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("stop_sequences").get(0).asText()).isEqualTo("END");
        assertThat(body.has("stop")).isFalse();

        JsonNode answer = response.json();
        assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
        assertThat(answer.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("Hi! My name is Claude.");
        assertThat(answer.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        // 10 input + 2000 cache reads = 2010 prompt tokens, 2000 of them cached; 25 output:
        // 10 × 3.00 + 2000 × 0.30 + 25 × 15.00 per million = 0.001005
        assertThat(answer.path("usage").path("prompt_tokens").asLong()).isEqualTo(2010);
        assertThat(response.header("x-tollgate-cost")).isEqualTo("0.001005");
        assertThat(answer.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.001005");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo("0.001005");
        assertThat(row.path("deployment").asText()).isEqualTo("anthropic-fake");
        assertThat(row.path("usage").path("prompt_tokens").asLong()).isEqualTo(2010);
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(25);
    }

    @Test
    void anAnthropicStreamReachesAnOpenAiClientChunkByChunkWithToolCallsAndItsCost() throws Exception {
        OpenAIClient client = openAi(key());
        providers().holdNextStream();
        List<ChatCompletionChunk> received = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("claude-slow").addUserMessage("Weather in SF?")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            assertThat(providers().awaitFirstChunkSent()).isTrue();
            // The fake provider now holds its stream after the first text delta: the client must already have it.
            received.add(CompletableFuture.supplyAsync(chunks::next).get(5, TimeUnit.SECONDS));
            received.add(CompletableFuture.supplyAsync(chunks::next).get(5, TimeUnit.SECONDS));
            assertThat(received.get(0).choices().get(0).delta().role()).isPresent();
            assertThat(received.get(1).choices().get(0).delta().content()).hasValue("Okay, let's check");
            providers().releaseStream();
            chunks.forEachRemaining(received::add);
        } finally {
            providers().releaseStream();
        }

        StringBuilder text = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        String finish = null;
        for (ChatCompletionChunk chunk : received) {
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                text.append(choice.delta().content().orElse(""));
                choice.delta().toolCalls().ifPresent(calls -> calls.forEach(call ->
                        arguments.append(call.function().flatMap(f -> f.arguments()).orElse(""))));
                if (choice.finishReason().isPresent()) {
                    finish = choice.finishReason().get().asString();
                }
            }
        }
        assertThat(text.toString()).isEqualTo("Okay, let's check the weather for San Francisco, CA:");
        assertThat(arguments.toString()).isEqualTo("{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}");
        assertThat(finish).isEqualTo("tool_calls");
        ChatCompletionChunk last = received.get(received.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(1496);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(89);
        // 472 × 3.00 + 1024 × 0.30 + 89 × 15.00 per million = 0.0030582
        JsonValue cost = last.usage().get()._additionalProperties().get("cost");
        assertThat(new BigDecimal(cost.toString())).isEqualByComparingTo("0.0030582");
        JsonNode sent = providers().received().get(providers().received().size() - 1).body();
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.has("stream_options")).as("not a Messages API field").isFalse();
    }

    @Test
    void anAnthropicAnswerWithoutUsageIsChargedItsCountedTextNotZero() {
        Http.Response response = chat(key(), "claude-no-usage", Map.of());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode usage = response.json().path("usage");
        assertThat(usage.path("completion_tokens").asLong()).as(usage.toString())
                .isEqualTo(TOKENS.text("Hi! My name is Claude."));
        assertThat(usage.path("prompt_tokens").asLong()).isPositive();
        assertThat(new BigDecimal(response.header("x-tollgate-cost"))).isPositive();
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(new BigDecimal(row.path("cost").asText())).isPositive()
                .isEqualByComparingTo(response.header("x-tollgate-cost"));
    }

    @Test
    void anAnthropicStreamWithoutUsageIsChargedItsCountedTextNotZero() {
        Http.Response response = chat(key(), "claude-no-usage", Map.of("stream", true,
                "stream_options", Map.of("include_usage", true)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("Okay, let's check").endsWith("data: [DONE]\n\n");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("usage").path("completion_tokens").asLong()).as(row.toString()).isPositive();
        assertThat(row.path("usage").path("prompt_tokens").asLong()).isPositive();
        assertThat(new BigDecimal(row.path("cost").asText())).isPositive();
        assertThat(response.body()).doesNotContain("\"completion_tokens\":0");
    }

    @Test
    void anAnthropicStreamItsClientLeavesIsChargedThePromptAnthropicReportedAtItsStart() throws Exception {
        providers().holdNextStream();
        JsonNode row;
        try {
            String requestId = leaveStream(key(), "{\"model\":\"claude-slow\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in SF?\"}]}",
                    line -> line.contains("Okay, let's check"));
            // the client left while Anthropic held the rest of its stream and its usage
            row = messageCost(requestId);
        } finally {
            providers().releaseStream();
        }

        // message_start said 472 input tokens and 1,024 read from the cache: 1,496, far more than the ~12 counted
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("usage").path("prompt_tokens").asLong()).as(row.toString()).isEqualTo(1496);
        // 472 × 3.00 + 1024 × 0.30 per million, and the text delivered at 15.00
        BigDecimal output = new BigDecimal(TOKENS.text("Okay, let's check")).multiply(new BigDecimal("0.000015"));
        assertThat(new BigDecimal(row.path("cost").asText()))
                .isEqualByComparingTo(new BigDecimal("0.0017232").add(output));
    }

    @Test
    void anAnthropicRateLimitIsAnOpenAiRateLimitWithItsRetryAfterAndNothingCharged() {
        Http.Response response = chat(key(), "claude-limited", Map.of());

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.header("retry-after")).isEqualTo("9");
        assertThat(response.json().path("error").path("type").asText()).isEqualTo("rate_limit_error");
        // the upstream's own text stays with the operator (tollgate.edge.expose-upstream-details is off)
        assertThat(response.json().path("error").path("message").asText()).contains("rate limiting this model")
                .doesNotContain("per-minute rate limit");
        assertThat(messageCost(response.header("x-request-id")).path("outcome").asText()).isEqualTo("released");
    }

    @Test
    void aRequestTheMessagesApiCannotTakeIsA400NamingTheFieldAndNothingCharged() {
        int before = providers().received().size();
        Http.Response response = chat(key(), "claude-test", Map.of("n", 2));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("error").path("param").asText()).isEqualTo("n");
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("unsupported_by_provider");
        assertThat(providers().received()).as("nothing was sent").hasSize(before);
        assertThat(messageCost(response.header("x-request-id")).path("outcome").asText()).isEqualTo("released");
    }

    @Test
    void aMessageWhoseContentIsNotAStringOrAnArrayIsA400AndCoolsNoDeploymentDown() {
        String key = key();
        int before = providers().received().size();
        // more than the deployment's allowed failures: had they counted as its failures, it would now cool down
        for (int i = 0; i < 5; i++) {
            Http.Response refused = http().post("/v1/chat/completions", key, Map.of("model", "claude-test",
                    "messages", List.of(Map.of("role", "user", "content", Map.of("a", i)))));
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(refused.json().path("error").path("param").asText()).isEqualTo("messages[0].content");
        }
        Http.Response calls = http().post("/v1/chat/completions", key, Map.of("model", "claude-test",
                "messages", List.of(Map.of("role", "assistant", "tool_calls", Map.of("x", 1)))));
        assertThat(calls.status()).as(calls.body()).isEqualTo(400);
        assertThat(calls.json().path("error").path("param").asText()).isEqualTo("messages[0].tool_calls");
        assertThat(providers().received()).as("nothing was sent").hasSize(before);

        Http.Response answered = chat(key, "claude-test", Map.of());
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    }

    @Test
    void azureGetsItsDeploymentUrlApiVersionAndApiKeyAndItsAnswerIsPricedWithCachedTokens() {
        String marker = unique("marker");
        Http.Response response = http().post("/v1/chat/completions", key(), Map.of("model", "azure-test",
                "messages", List.of(Map.of("role", "user", "content", "Keys? " + marker))));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        FakeProviders.Received sent = providers().lastWith(marker);
        assertThat(sent.path()).isEqualTo("/azure/openai/deployments/gpt4o-eu/chat/completions");
        assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
        assertThat(sent.headers()).containsEntry("api-key", KEY).doesNotContainKey("authorization");
        assertThat(sent.body().path("messages").get(0).path("content").asText()).contains(marker);
        JsonNode answer = response.json();
        assertThat(answer.has("prompt_filter_results")).as("Azure's own fields pass through").isTrue();
        // (2024 - 1024) × 2.50 + 1024 × 1.25 + 13 × 10.00 per million = 0.00391
        assertThat(response.header("x-tollgate-cost")).isEqualTo("0.00391");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("deployment").asText()).isEqualTo("azure-eu");
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo("0.00391");
    }

    @Test
    void anAzureStreamCarriesItsUsageAndAnOldApiVersionIsNotSentStreamOptions() {
        String key = key();
        Http.Response current = http().post("/v1/chat/completions", key, Map.of("model", "azure-test", "stream", true,
                "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", "Hi"))));
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.body()).contains("\"content\":\"Yes\"").contains("\"cost\":0.00391")
                .endsWith("data: [DONE]\n\n");

        Http.Response old = http().post("/v1/chat/completions", key, Map.of("model", "azure-old", "stream", true,
                "messages", List.of(Map.of("role", "user", "content", "Hi " + unique("old")))));
        assertThat(old.status()).isEqualTo(200);
        FakeProviders.Received sent = providers().received().get(providers().received().size() - 1);
        assertThat(sent.path()).isEqualTo("/azure/openai/deployments/gpt35/chat/completions");
        assertThat(sent.query()).isEqualTo("api-version=2023-05-15");
        assertThat(sent.body().has("stream_options")).as("2023-05-15 refuses stream_options").isFalse();
        assertThat(old.body()).contains("many other services").endsWith("data: [DONE]\n\n");
        JsonNode row = messageCost(old.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("usage").path("completion_tokens").asLong()).as("counted by the gateway").isPositive();
    }

    @Test
    void aFallbackAfterAnAzureAttemptWithoutStreamOptionsIsStillAskedForItsUsage() {
        String marker = unique("after-azure");
        Http.Response answer = http().post("/v1/chat/completions", key(), Map.of("model", "azure-old-unavailable",
                "stream", true, "messages", List.of(Map.of("role", "user", "content", "Hi " + marker))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        FakeProviders.Received azure = providers().lastWith(marker);
        assertThat(azure.path()).isEqualTo("/azure/openai/deployments/azure-503/chat/completions");
        assertThat(azure.body().has("stream_options")).as("2023-05-15 refuses stream_options").isFalse();
        // the fallback (OpenAI-compatible) gets the request as every attempt shares it, not Azure's copy of it
        JsonNode fallback = upstream().lastRequestFor(marker);
        assertThat(fallback).isNotNull();
        assertThat(fallback.path("stream_options").path("include_usage").asBoolean()).as(fallback.toString())
                .isTrue();
        assertThat(answer.header("x-tollgate-model")).isEqualTo("gpt-test");
        JsonNode row = messageCost(answer.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("model").asText()).isEqualTo("gpt-test");
    }
}
