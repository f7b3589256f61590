package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
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
import static org.awaitility.Awaitility.await;

/** Chat completions through the running gateway with the official OpenAI Java SDK, against a real HTTP upstream. */
class ChatCompletionsTest extends GatewayTestSupport {

    static ChatCompletionCreateParams.Builder hello(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello, what does a budget do?");
    }

    @Test
    void aCompletionCarriesItsCostInTheHeaderAndTheUsageBlockAndTheLedgerAgrees() {
        String team = newTeam("100", "10", "clamp");
        String user = newUser(team, null);
        OpenAIClient client = openAi(newUserKey(user, List.of()));

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(hello("gpt-test").maxCompletionTokens(300).build());
        ChatCompletion completion = raw.parse();

        String requestId = raw.headers().values("x-request-id").get(0);
        String headerCost = raw.headers().values("x-tollgate-cost").get(0);
        // 12 prompt tokens at 1.00/M + 300 completion tokens at 2.00/M (the fake upstream answers max_tokens)
        assertThat(new BigDecimal(headerCost)).isEqualByComparingTo("0.000612");
        JsonValue usageCost = completion.usage().orElseThrow()._additionalProperties().get("cost");
        assertThat(new BigDecimal(usageCost.toString())).isEqualByComparingTo(headerCost);

        JsonNode row = messageCost(requestId);
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo(headerCost);
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(300);
        assertThat(row.path("user_id").asText()).isEqualTo(user);
        assertThat(row.path("deployment").asText()).isEqualTo("fake-normal");
        assertThat(row.path("price_version").asText()).matches("v\\d+");
        assertThat(row.path("latency_ms").asLong()).isGreaterThanOrEqualTo(0);
        // 12 counted-by-us prompt tokens differ from the upstream's, so the reservation only bounds the cost
        assertThat(new BigDecimal(row.path("reserved").asText())).isGreaterThanOrEqualTo(new BigDecimal(headerCost));
        await().untilAsserted(() -> {
            JsonNode userBudget = budgetOf("users", user);
            assertThat(userBudget.path("reserved").asText()).isEqualTo("0");
            assertThat(new BigDecimal(userBudget.path("spent").asText())).isEqualByComparingTo(headerCost);
            assertThat(new BigDecimal(budgetOf("teams", team).path("spent").asText())).isEqualByComparingTo(headerCost);
        });
    }

    @Test
    void fieldsTheGatewayDoesNotKnowReachTheUpstreamUntouched() {
        String team = newTeam(null, null, "clamp");
        OpenAIClient client = openAi(newUserKey(newUser(team, null), List.of()));
        String marker = unique("marker");

        client.chat().completions().create(hello("gpt-test")
                .putAdditionalBodyProperty("x_vendor_option", JsonValue.from(Map.of("marker", marker, "depth", 3)))
                .temperature(0.25)
                .build());

        JsonNode forwarded = upstream().lastRequestFor(marker);
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.path("x_vendor_option").path("depth").asInt()).isEqualTo(3);
        assertThat(forwarded.path("temperature").asDouble()).isEqualTo(0.25);
        assertThat(forwarded.path("model").asText()).as("the upstream's own model name").isEqualTo("up-normal");
    }

    @Test
    void aRequestWithoutALimitGoesUpstreamWithoutOneUnlessTheBudgetClampsIt() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        String poorKey = newUserKey(newUser(newTeam("100", "0.001", "clamp"), null), List.of());
        String free = unique("no limit");
        String clamped = unique("no limit, clamped");

        http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "messages", List.of(Map.of("role", "user", "content", free))));
        Http.Response answer = http().post("/v1/chat/completions", poorKey, Map.of("model", "gpt-test",
                "messages", List.of(Map.of("role", "user", "content", clamped))));

        JsonNode unlimited = upstream().lastRequestFor(free);
        assertThat(unlimited.has("max_tokens") || unlimited.has("max_completion_tokens")).as(unlimited.toString())
                .isFalse();
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long granted = Long.parseLong(answer.header("x-tollgate-max-tokens"));
        JsonNode limited = upstream().lastRequestFor(clamped);
        assertThat(limited.path("max_tokens").asLong()).as("a server other than OpenAI's gets max_tokens")
                .isEqualTo(granted);
        assertThat(limited.has("max_completion_tokens")).isFalse();
    }

    @Test
    void aClampedRequestWithoutALimitGetsTheGrantInTheDeploymentsField() {
        String key = newUserKey(newUser(newTeam("100", "0.001", "clamp"), null), List.of());
        String unset = unique("unset");
        Map<String, Object> nullLimit = new java.util.HashMap<>(Map.of("model", "gpt-completion-tokens-field",
                "messages", List.of(Map.of("role", "user", "content", unset))));
        nullLimit.put("max_tokens", null); // as some clients send it: no limit

        Http.Response clamped = http().post("/v1/chat/completions", key, nullLimit);

        assertThat(clamped.status()).as(clamped.body()).isEqualTo(200);
        JsonNode forwarded = upstream().lastRequestFor(unset);
        assertThat(forwarded.path("max_completion_tokens").asLong())
                .isEqualTo(Long.parseLong(clamped.header("x-tollgate-max-tokens")));
        assertThat(forwarded.has("max_tokens")).as("not even null: some servers refuse a field they do not take")
                .isFalse();
    }

    @Test
    void aClientsLimitGoesUpstreamInTheFieldTheDeploymentReads() {
        // a server that ignores the other field (Ollama, llama.cpp: max_tokens only) would not stop at what was
        // reserved for the client's limit
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        String toMaxTokens = unique("max_completion_tokens to a max_tokens server");
        String toCompletionTokens = unique("max_tokens to a max_completion_tokens server");

        Http.Response first = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "max_completion_tokens", 40, "messages", List.of(Map.of("role", "user", "content", toMaxTokens))));
        Http.Response second = http().post("/v1/chat/completions", key, Map.of("model",
                "gpt-completion-tokens-field", "max_tokens", 50,
                "messages", List.of(Map.of("role", "user", "content", toCompletionTokens))));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        JsonNode renamed = upstream().lastRequestFor(toMaxTokens);
        assertThat(renamed.path("max_tokens").asLong()).as(renamed.toString()).isEqualTo(40);
        assertThat(renamed.has("max_completion_tokens")).isFalse();
        JsonNode other = upstream().lastRequestFor(toCompletionTokens);
        assertThat(other.path("max_completion_tokens").asLong()).as(other.toString()).isEqualTo(50);
        assertThat(other.has("max_tokens")).isFalse();
    }

    @Test
    void aPredictionsTokensAreReservedAsOutputBesideMaxTokensWhichGoesUpstreamUnchanged() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        String marker = unique("predicted");
        String text = marker + " The budget reserves the worst case before the request goes upstream. ";
        String prediction = text.repeat(100);

        Http.Response plain = chat(key, "gpt-test", Map.of("max_tokens", 1));
        Http.Response predicted = chat(key, "gpt-test", Map.of("max_tokens", 1,
                "prediction", Map.of("type", "content", "content", prediction)));
        Http.Response parts = chat(key, "gpt-test", Map.of("max_tokens", 1, "prediction", Map.of("type", "content",
                "content", List.of(Map.of("type", "text", "text", prediction)))));

        assertThat(predicted.status()).as(predicted.body()).isEqualTo(200);
        assertThat(parts.status()).as(parts.body()).isEqualTo(200);
        // the prediction's rejected tokens are billed as completion tokens (2.00/M), beside max_tokens
        long predictionTokens = new TokenCounter().text(prediction);
        BigDecimal atLeast = new BigDecimal("0.000002").multiply(BigDecimal.valueOf(predictionTokens));
        BigDecimal withoutPrediction = new BigDecimal(plain.header("x-tollgate-reserved"));
        assertThat(new BigDecimal(predicted.header("x-tollgate-reserved")).subtract(withoutPrediction))
                .isGreaterThanOrEqualTo(atLeast);
        assertThat(new BigDecimal(parts.header("x-tollgate-reserved")).subtract(withoutPrediction))
                .isGreaterThanOrEqualTo(atLeast);
        JsonNode forwarded = upstream().lastRequestFor(marker);
        assertThat(forwarded.path("max_tokens").asLong()).isEqualTo(1);
        assertThat(forwarded.path("prediction").path("content").isArray()).isTrue();
        assertThat(predicted.header("x-tollgate-max-tokens")).isNull();
    }

    @Test
    void aStreamReachesTheClientChunkByChunkBeforeTheUpstreamHasFinished() throws Exception {
        String team = newTeam("100", "10", "clamp");
        OpenAIClient client = openAi(newUserKey(newUser(team, null), List.of()));
        upstream().holdNextStream();

        List<ChatCompletionChunk> received = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                hello("gpt-slow-stream").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            assertThat(upstream().awaitFirstChunkSent()).isTrue();
            // The upstream is now blocked after its first chunk: the client must already be able to read it.
            CompletableFuture<ChatCompletionChunk> first = CompletableFuture.supplyAsync(chunks::next);
            ChatCompletionChunk role = first.get(5, TimeUnit.SECONDS);
            received.add(role);
            received.add(CompletableFuture.supplyAsync(chunks::next).get(5, TimeUnit.SECONDS));
            assertThat(received.get(1).choices().get(0).delta().content()).contains("Hello");

            upstream().releaseStream();
            chunks.forEachRemaining(received::add);
        } finally {
            upstream().releaseStream();
        }

        ChatCompletionChunk last = received.get(received.size() - 1);
        assertThat(last.choices()).isEmpty();
        JsonValue cost = last.usage().orElseThrow()._additionalProperties().get("cost");
        assertThat(new BigDecimal(cost.toString())).isPositive();
        assertThat(received.stream().map(c -> c.choices().isEmpty() ? "" : c.choices().get(0).delta().content()
                .orElse("")).reduce("", String::concat)).isEqualTo("Hello world");
    }

    @Test
    void aStreamWithoutIncludeUsageHasNoUsageChunkButIsStillSettledWithTheRealUsage() {
        String team = newTeam(null, null, "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test", "stream", true,
                "max_tokens", 77, "messages", List.of(Map.of("role", "user", "content", "Hi"))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).startsWith("text/event-stream");
        assertThat(response.body()).doesNotContain("\"usage\"").contains("Hello").endsWith("data: [DONE]\n\n");
        JsonNode forwarded = upstream().requests().get(upstream().requests().size() - 1);
        assertThat(forwarded.path("stream_options").path("include_usage").asBoolean())
                .as("the gateway always asks the upstream for usage").isTrue();
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(77);
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo("0.000166"); // 12*1 + 77*2 per M
    }

    @Test
    void aStreamCutByTheUpstreamAfterItsFirstChunkSettlesWhatWasDelivered() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());

        Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-cut-stream",
                "stream", true, "messages", List.of(Map.of("role", "user", "content", "Hi"))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("Hello").contains(" world");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("usage").path("completion_tokens").asLong()).as("'Hello world' counted").isEqualTo(2);
    }

    @Test
    void anAnswerWithoutUsageIsCountedWithTheTokenizer() {
        String team = newTeam(null, null, "clamp");
        OpenAIClient client = openAi(newUserKey(newUser(team, null), List.of()));

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(hello("gpt-terse").build());

        ChatCompletion completion = raw.parse();
        assertThat(completion.usage()).isPresent();
        assertThat(completion.usage().get().completionTokens()).isEqualTo(5); // "word word word word word"
        JsonNode row = messageCost(raw.headers().values("x-request-id").get(0));
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(5);
        assertThat(row.path("usage").path("prompt_tokens").asLong()).isPositive();
    }

    @Test
    void aTinyCostIsAPlainDecimalNeverExponentNotation() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());

        Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-cheap",
                "messages", List.of(Map.of("role", "user", "content", "x"))));

        // 12 prompt + 20 completion tokens at 0.01 per million: 0.00000032
        assertThat(response.body()).contains("\"cost\":0.00000032");
        assertThat(response.header("x-tollgate-cost")).isEqualTo("0.00000032");
    }

    @Test
    void theBuiltInMockAnswersWithRealisticUsageAndCost() {
        String team = newTeam(null, null, "clamp");
        OpenAIClient client = openAi(newUserKey(newUser(team, null), List.of()));

        ChatCompletion completion = client.chat().completions().create(hello("mock-model").build());

        assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(c -> assertThat(c).isNotBlank());
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
        assertThat(new BigDecimal(completion.usage().get()._additionalProperties().get("cost").toString())).isPositive();
    }

    @Test
    void modelsListsOnlyWhatTheKeyMayUse() {
        String team = newTeam(null, null, "clamp");
        OpenAIClient client = openAi(newUserKey(newUser(team, null), List.of("gpt-test", "mock-model")));

        List<String> ids = client.models().list().data().stream().map(m -> m.id()).toList();

        assertThat(ids).containsExactlyInAnyOrder("gpt-test", "mock-model");
    }
}
