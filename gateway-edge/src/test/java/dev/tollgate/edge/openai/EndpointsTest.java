package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The OpenAI routes besides chat completions, through the running gateway, with the official OpenAI Java SDK where
 * it has the route, against the real loopback upstream: each answers, is charged exactly what the ledger records,
 * is refused when a budget cannot cover it, and is released when the upstream fails.
 */
class EndpointsTest extends GatewayTestSupport {

    private String key;
    private String user;

    private OpenAIClient client() {
        String team = newTeam("100", "10", "clamp");
        user = newUser(team, null);
        key = newUserKey(user, List.of());
        return openAi(key);
    }

    private static String header(HttpResponseFor<?> raw, String name) {
        return raw.headers().values(name).get(0);
    }

    private static BigDecimal usageCost(Map<String, JsonValue> additional) {
        return new BigDecimal(additional.get("cost").toString());
    }

    /** The ledger's row for the request, settled, with exactly the cost the client was told. */
    private JsonNode chargedExactly(String requestId, String cost) {
        JsonNode row = messageCost(requestId);
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo(cost);
        return row;
    }

    // ------------------------------------------------------------------ completions

    @Test
    void aCompletionIsPricedLikeChatAndChargedExactlyWhatItsHeaderAndUsageSay() {
        OpenAIClient client = client();

        HttpResponseFor<Completion> raw = client.completions().withRawResponse().create(CompletionCreateParams
                .builder().model("gpt-test").prompt("Once upon a time").maxTokens(300).build());
        Completion completion = raw.parse();

        // 12 prompt tokens at 1.00/M + 300 completion tokens at 2.00/M (the fake answers max_tokens)
        String cost = header(raw, "x-tollgate-cost");
        assertThat(new BigDecimal(cost)).isEqualByComparingTo("0.000612");
        assertThat(usageCost(completion.usage().orElseThrow()._additionalProperties())).isEqualByComparingTo(cost);
        assertThat(completion.choices().get(0).text()).isEqualTo("Once upon a time");
        assertThat(header(raw, "x-tollgate-reserved")).isNotBlank();
        JsonNode row = chargedExactly(header(raw, "x-request-id"), cost);
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(300);
        assertThat(row.path("deployment").asText()).isEqualTo("fake-normal");
        JsonNode forwarded = upstream().requests().get(upstream().requests().size() - 1);
        assertThat(forwarded.path("_path").asText()).isEqualTo("/v1/completions");
        assertThat(forwarded.path("model").asText()).isEqualTo("up-normal");
        await().untilAsserted(() -> assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText()))
                .isEqualByComparingTo(cost));
    }

    @Test
    void aStreamedCompletionPassesThroughAndIsSettledWithTheUpstreamsUsage() {
        client();

        Http.Response response = http().post("/v1/completions", key, Map.of("model", "gpt-test", "stream", true,
                "max_tokens", 50, "prompt", "Tell me"));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("content-type")).startsWith("text/event-stream");
        assertThat(response.body()).contains("Once", " upon").doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
        JsonNode forwarded = upstream().requests().get(upstream().requests().size() - 1);
        assertThat(forwarded.path("stream_options").path("include_usage").asBoolean()).isTrue();
        chargedExactly(response.header("x-request-id"), "0.000112"); // 12 × 1 + 50 × 2 per million
    }

    // ------------------------------------------------------------------ embeddings

    @Test
    void embeddingsAreChargedAtTheInputPriceAndUnknownFieldsPassThrough() {
        OpenAIClient client = client();
        String marker = unique("marker");

        HttpResponseFor<CreateEmbeddingResponse> raw = client.embeddings().withRawResponse().create(
                EmbeddingCreateParams.builder().model("embed-test").input("The quick brown fox")
                        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                        .putAdditionalBodyProperty("x_vendor", JsonValue.from(marker)).build());
        CreateEmbeddingResponse embeddings = raw.parse();

        String cost = header(raw, "x-tollgate-cost");
        assertThat(new BigDecimal(cost)).isEqualByComparingTo("0.0000012"); // 12 tokens at 0.10/M
        assertThat(usageCost(embeddings.usage()._additionalProperties())).isEqualByComparingTo(cost);
        assertThat(embeddings.data().get(0).embedding()).containsExactly(0.6f, 0.8f);
        JsonNode row = chargedExactly(header(raw, "x-request-id"), cost);
        assertThat(row.path("usage").path("prompt_tokens").asLong()).isEqualTo(12);
        assertThat(row.path("usage").path("completion_tokens").asLong()).isZero();
        JsonNode forwarded = upstream().lastRequestFor(marker);
        assertThat(forwarded.path("_path").asText()).isEqualTo("/v1/embeddings");
        assertThat(forwarded.path("x_vendor").asText()).isEqualTo(marker);
        assertThat(forwarded.path("encoding_format").asText()).isEqualTo("float");
    }

    // ------------------------------------------------------------------ images

    @Test
    void imagesArePricedPerImageBySizeAndQuality() {
        OpenAIClient client = client();

        // no size or quality: 1024x1024/standard, not in the table: the per-image price, twice
        HttpResponseFor<ImagesResponse> two = client.images().withRawResponse().generate(ImageGenerateParams
                .builder().model("image-test").prompt("a cat in a hat").n(2).build());
        assertThat(two.parse().data().orElseThrow()).hasSize(2);
        assertThat(new BigDecimal(header(two, "x-tollgate-cost"))).isEqualByComparingTo("0.08");
        JsonNode row = chargedExactly(header(two, "x-request-id"), header(two, "x-tollgate-cost"));
        assertThat(row.path("images").asLong()).isEqualTo(2);

        HttpResponseFor<ImagesResponse> tall = client.images().withRawResponse().generate(ImageGenerateParams
                .builder().model("image-test").prompt("a tall cat").size(ImageGenerateParams.Size._1024X1792)
                .quality(ImageGenerateParams.Quality.HD).build());
        assertThat(new BigDecimal(header(tall, "x-tollgate-cost"))).isEqualByComparingTo("0.12");
        chargedExactly(header(tall, "x-request-id"), header(tall, "x-tollgate-cost"));

        Map<String, String> expected = Map.of("1024x1024/hd", "0.08", "256x256/standard", "0.016",
                "512x512/standard", "0.04");
        expected.forEach((variant, price) -> {
            String[] parts = variant.split("/");
            Http.Response answer = http().post("/v1/images/generations", key, Map.of("model", "image-test",
                    "prompt", "a cat", "size", parts[0], "quality", parts[1], "response_format", "b64_json"));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(new BigDecimal(answer.header("x-tollgate-cost"))).as(variant).isEqualByComparingTo(price);
            assertThat(answer.json().path("data").get(0).has("b64_json")).isTrue();
            chargedExactly(answer.header("x-request-id"), price);
        });
    }

    @Test
    void aSizeOrQualityWithoutAPriceIsRefusedBeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();

        Http.Response refused = http().post("/v1/images/generations", key, Map.of("model", "image-table-only",
                "prompt", "a cat", "size", "1792x1024", "quality", "hd"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("error").path("param").asText()).isEqualTo("quality");
        assertThat(refused.json().path("error").path("message").asText()).contains("1792x1024").contains("hd")
                .contains("1024x1024/hd");
        assertThat(upstream().requests()).hasSize(upstreamCalls);
        assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.USER_ID.eq(user))).isZero();

        // a table written without brackets in YAML (Spring drops the '/') still reads as size/quality
        Http.Response hd = http().post("/v1/images/generations", key, Map.of("model", "image-table-only",
                "prompt", "a cat", "quality", "hd"));
        assertThat(new BigDecimal(hd.header("x-tollgate-cost"))).isEqualByComparingTo("0.08");
        assertThat(http().post("/v1/images/generations", key, Map.of("model", "image-table-only", "prompt", "x",
                "size", "huge")).json().path("error").path("param").asText()).isEqualTo("size");
    }

    @Test
    void anImageModelReportingTokenUsageIsChargedForItsTokensWithTheCostInItsUsage() {
        OpenAIClient client = client();

        HttpResponseFor<ImagesResponse> raw = client.images().withRawResponse().generate(ImageGenerateParams
                .builder().model("image-tokens").prompt("a cat").build());

        // 50 input tokens at 5/M + 4160 output tokens at 40/M
        String cost = header(raw, "x-tollgate-cost");
        assertThat(new BigDecimal(cost)).isEqualByComparingTo("0.16665");
        assertThat(usageCost(raw.parse().usage().orElseThrow()._additionalProperties())).isEqualByComparingTo(cost);
        JsonNode row = chargedExactly(header(raw, "x-request-id"), cost);
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(4160);
    }

    @Test
    void imagePricesArePublishedThroughTheApiAndApplyAtOnce() {
        client();
        Http.Response published = http().put("/admin/prices", MASTER_KEY, Map.of("reason", "new image prices",
                "prices", Map.of("image-broken", Map.of("input", "0", "output", "0",
                        "image_prices", Map.of("1024x1024/standard", "0.05")))));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(published.body()).contains("1024x1024/standard");

        Http.Response refused = http().post("/v1/images/generations", key, Map.of("model", "image-broken",
                "prompt", "a cat", "quality", "hd"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("error").path("message").asText()).contains("1024x1024/standard");

        Http.Response bad = http().put("/admin/prices", MASTER_KEY, Map.of("reason", "typo",
                "prices", Map.of("image-broken", Map.of("input", "0", "output", "0",
                        "image_prices", Map.of("big/hd", "0.05")))));
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    }

    // ------------------------------------------------------------------ responses

    @Test
    void aResponseIsChargedByInputAndOutputTokensWithTheCostInItsUsage() {
        OpenAIClient client = client();

        HttpResponseFor<Response> raw = client.responses().withRawResponse().create(ResponseCreateParams.builder()
                .model("gpt-test").input("What does a budget do?").instructions("Be brief.").maxOutputTokens(300)
                .build());
        Response response = raw.parse();

        String cost = header(raw, "x-tollgate-cost");
        assertThat(new BigDecimal(cost)).isEqualByComparingTo("0.000612");
        assertThat(usageCost(response.usage().orElseThrow()._additionalProperties())).isEqualByComparingTo(cost);
        assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text())
                .isEqualTo("Hello world");
        JsonNode row = chargedExactly(header(raw, "x-request-id"), cost);
        assertThat(row.path("usage").path("prompt_tokens").asLong()).isEqualTo(12);
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(300);
        JsonNode forwarded = upstream().requests().get(upstream().requests().size() - 1);
        assertThat(forwarded.path("_path").asText()).isEqualTo("/v1/responses");
        assertThat(forwarded.path("instructions").asText()).isEqualTo("Be brief.");
    }

    /**
     * OpenAI's API takes {@code instructions} as a string (or null) only: any other shape is refused before
     * anything is reserved or sent, never forwarded uncounted; a string is counted whole.
     */
    @Test
    void instructionsThatAreNotAStringAreRefusedAndAStringIsReservedWhole() {
        client();
        String text = "word ".repeat(2000).trim();
        int upstreamCalls = upstream().requests().size();

        for (Object notAString : List.of(List.of(Map.of("role", "developer", "content", text)),
                Map.of("type", "input_text", "text", text), 42, true)) {
            refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "hi",
                    "max_output_tokens", 16, "instructions", notAString)), "instructions");
        }
        nothingSentOrReservedSince(upstreamCalls);

        Http.Response without = http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "hi",
                "max_output_tokens", 16));
        Http.Response with = http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "hi",
                "max_output_tokens", 16, "instructions", text));
        assertThat(with.status()).as(with.body()).isEqualTo(200);
        assertThat(upstream().requests().get(upstream().requests().size() - 1).path("instructions").asText())
                .isEqualTo(text);
        // every token of the instructions reserved at gpt-test's input price of 1.00 per million (with the
        // provider's prompt margin on top)
        assertThat(new BigDecimal(with.header("x-tollgate-reserved"))
                .subtract(new BigDecimal(without.header("x-tollgate-reserved"))))
                .isGreaterThanOrEqualTo(BigDecimal.valueOf(TOKENS.text(text)).movePointLeft(6));
    }

    @Test
    void aStreamedResponseReachesTheClientEventByEventAndIsSettledWithTheFinalUsage() throws Exception {
        OpenAIClient client = client();
        upstream().holdNextStream();

        List<ResponseStreamEvent> received = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams
                .builder().model("gpt-slow-stream").input("Hello").build())) {
            Iterator<ResponseStreamEvent> events = stream.stream().iterator();
            assertThat(upstream().awaitFirstChunkSent()).isTrue();
            // The upstream is blocked after its first delta: the client must already have it.
            received.add(CompletableFuture.supplyAsync(events::next).get(5, TimeUnit.SECONDS));
            received.add(CompletableFuture.supplyAsync(events::next).get(5, TimeUnit.SECONDS));
            assertThat(received.get(0).isCreated()).isTrue();
            assertThat(received.get(1).asOutputTextDelta().delta()).isEqualTo("Hello");

            upstream().releaseStream();
            events.forEachRemaining(received::add);
        } finally {
            upstream().releaseStream();
        }

        ResponseStreamEvent last = received.get(received.size() - 1);
        assertThat(last.isCompleted()).isTrue();
        BigDecimal cost = usageCost(last.asCompleted().response().usage().orElseThrow()._additionalProperties());
        assertThat(cost).isEqualByComparingTo("0.000052"); // 12 × 1 + 20 × 2 per million
        await().untilAsserted(() -> {
            JsonNode row = http().get("/spend/messages?user_id=" + user, MASTER_KEY).json().path("data").path(0);
            assertThat(row.path("outcome").asText()).isEqualTo("settled");
            assertThat(new BigDecimal(row.path("cost").asText())).isEqualByComparingTo(cost);
        });
    }

    @Test
    void aResponseStreamCutByTheUpstreamSettlesWhatWasDelivered() {
        client();

        Http.Response response = http().post("/v1/responses", key, Map.of("model", "gpt-cut-stream", "stream", true,
                "input", "Hello"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("response.output_text.delta").doesNotContain("response.completed");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("settled");
        assertThat(row.path("usage").path("completion_tokens").asLong()).isEqualTo(2); // "Hello", " world"
    }

    // ------------------------------------------------------------------ the context window, input by input

    @Test
    void theContextWindowHoldsEachEmbeddingsInputOnItsOwnAndAnInputAsLongAsTheWindow() {
        client();
        // mock-embedding-window reads 8 tokens: an embedding generates no tokens, so 8 fit
        Http.Response whole = http().post("/v1/embeddings", key, Map.of("model", "mock-embedding-window",
                "input", ids(8)));
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);

        // 5 + 5 + 8 tokens: each input is embedded on its own, the window applies to each, not to their sum
        Http.Response batch = http().post("/v1/embeddings", key, Map.of("model", "mock-embedding-window",
                "input", List.of(ids(5), ids(5), ids(8))));
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        assertThat(batch.json().path("data")).hasSize(3);
        // 18 tokens at 1000 per million, as the batch is billed
        assertThat(new BigDecimal(batch.header("x-tollgate-cost"))).isEqualByComparingTo("0.018");

        Http.Response tooLong = http().post("/v1/embeddings", key, Map.of("model", "mock-embedding-window",
                "input", List.of(ids(2), ids(9))));
        refused(tooLong, "input");
        assertThat(tooLong.json().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void theContextWindowHoldsEachPromptOfACompletionsBatchWithItsSuffixAndRoomForTheAnswer() {
        client();
        // mock-completion-window reads 8 tokens: 5 + 5 are two prompts, each generated on its own
        Http.Response batch = http().post("/v1/completions", key, Map.of("model", "mock-completion-window",
                "prompt", List.of(ids(5), ids(5)), "max_tokens", 2));
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);

        // a prompt of 8 leaves no room for an answer token
        Http.Response full = http().post("/v1/completions", key, Map.of("model", "mock-completion-window",
                "prompt", ids(8), "max_tokens", 2));
        refused(full, "prompt");
        assertThat(full.json().path("error").path("code").asText()).isEqualTo("context_length_exceeded");

        // the suffix is sent with each prompt: 4 + 4 is the window, with no room for an answer
        String suffix = "one two three four";
        assertThat(TOKENS.text(suffix)).isEqualTo(4);
        refused(http().post("/v1/completions", key, Map.of("model", "mock-completion-window",
                "prompt", List.of(ids(3), ids(4)), "suffix", suffix, "max_tokens", 2)), "prompt");
        Http.Response withSuffix = http().post("/v1/completions", key, Map.of("model", "mock-completion-window",
                "prompt", List.of(ids(3), ids(3)), "suffix", suffix, "max_tokens", 2));
        assertThat(withSuffix.status()).as(withSuffix.body()).isEqualTo(200);

        // the responses route names its own field too
        refused(http().post("/v1/responses", key, Map.of("model", "mock-completion-window",
                "input", "word ".repeat(20))), "input");
    }

    @Test
    void aCompletionsBatchReservesItsSuffixOnceForEveryPrompt() {
        client();
        String suffix = "one two three four";

        Http.Response answer = http().post("/v1/completions", key, Map.of("model", "mock-prompt-priced",
                "prompt", List.of(ids(2), ids(2), ids(2)), "suffix", suffix, "max_tokens", 1));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // three prompts of 2 tokens, each sent with the 4 tokens of the suffix: 18 tokens at 1000 per million
        // (output at 0); counted once, the suffix would leave 8 of them unreserved
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved"))).isEqualByComparingTo("0.018");
    }

    /**
     * OpenAI's legacy completions take {@code n} without {@code best_of} (which then generates {@code n}):
     * {@code best_of} must be at least {@code n} only when it is sent. The reservation covers every choice
     * generated, {@code max(n, best_of)}.
     */
    @Test
    void aCompletionOfSeveralChoicesWithoutBestOfIsAnsweredAndReservedForEachChoice() {
        OpenAIClient client = client();
        // mock-prompt-and-output: 1,000 per million tokens in and out; 30 output tokens a choice cost 0.03
        CompletionCreateParams.Builder one = CompletionCreateParams.builder().model("mock-prompt-and-output")
                .prompt("a").maxTokens(30);

        HttpResponseFor<Completion> two = client.completions().withRawResponse().create(one.build().toBuilder()
                .n(2).build());
        HttpResponseFor<Completion> single = client.completions().withRawResponse().create(one.build());
        HttpResponseFor<Completion> bestOfTwo = client.completions().withRawResponse().create(one.build()
                .toBuilder().bestOf(2).build());

        assertThat(two.statusCode()).isEqualTo(200);
        assertThat(two.parse().choices()).hasSize(2);
        BigDecimal reserved = new BigDecimal(header(two, "x-tollgate-reserved"));
        assertThat(reserved).as("two choices of 30 tokens reserved, as best_of 2 reserves them")
                .isEqualByComparingTo(new BigDecimal(header(single, "x-tollgate-reserved")).add(new BigDecimal("0.03")))
                .isEqualByComparingTo(new BigDecimal(header(bestOfTwo, "x-tollgate-reserved")));
        chargedExactly(header(two, "x-request-id"), header(two, "x-tollgate-cost"));
        chargedExactly(header(single, "x-request-id"), header(single, "x-tollgate-cost"));
        chargedExactly(header(bestOfTwo, "x-request-id"), header(bestOfTwo, "x-tollgate-cost"));

        // sent, best_of still may not be below n
        int upstreamCalls = upstream().requests().size();
        assertThatThrownBy(() -> client.completions().create(one.build().toBuilder().n(3).bestOf(2).build()))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> {
                    assertThat(refused.param()).hasValue("best_of");
                    assertThat(refused.type()).hasValue("invalid_request_error");
                });
        refused(http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", "x", "n", 2,
                "best_of", 1)), "best_of");
        assertThat(upstream().requests()).as("nothing refused went upstream").hasSize(upstreamCalls);
        assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.USER_ID.eq(user))).as("nor was reserved")
                .isEqualTo(3);
    }

    /**
     * {@code best_of} candidates are ranked once all of them are generated, so they cannot be streamed (OpenAI's API
     * refuses it): a stream with {@code best_of} above {@code n} is a 400 naming {@code best_of} before anything is
     * reserved or sent. {@code best_of} equal to {@code n} has nothing to choose from, and streams.
     */
    @Test
    void aStreamedCompletionWithBestOfAboveNIsRefusedBeforeAnythingIsReservedOrSent() {
        OpenAIClient client = client();
        int upstreamCalls = upstream().requests().size();

        CompletionCreateParams bestOfTwo = CompletionCreateParams.builder().model("gpt-test").prompt("x")
                .maxTokens(5).bestOf(2).build();
        assertThatThrownBy(() -> {
            try (StreamResponse<Completion> stream = client.completions().createStreaming(bestOfTwo)) {
                stream.stream().count();
            }
        }).isInstanceOfSatisfying(BadRequestException.class, refused -> {
            assertThat(refused.param()).hasValue("best_of");
            assertThat(refused.type()).hasValue("invalid_request_error");
        });
        refused(http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", "x", "stream", true,
                "n", 2, "best_of", 3)), "best_of");
        nothingSentOrReservedSince(upstreamCalls);

        Http.Response bestOfOne = http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", "x",
                "stream", true, "best_of", 1, "max_tokens", 5));
        assertThat(bestOfOne.status()).as(bestOfOne.body()).isEqualTo(200);
        assertThat(bestOfOne.body()).endsWith("data: [DONE]\n\n");
    }

    private static final dev.tollgate.edge.wire.TokenCounter TOKENS = new dev.tollgate.edge.wire.TokenCounter();

    /** A prompt or input of {@code count} token ids. */
    private static List<Integer> ids(int count) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(1000 + i);
        }
        return ids;
    }

    // ------------------------------------------------------------------ refusals and failures

    @Test
    void aBudgetThatCannotCoverTheWorstCaseIs429InsufficientQuotaOnEveryRouteAndNothingGoesUpstream() {
        String team = newTeam("100", "100", "reject");
        String poor = newUser(team, "0.0000001");
        String poorKey = newUserKey(poor, List.of());
        OpenAIClient client = openAi(poorKey);
        int upstreamCalls = upstream().requests().size();

        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("embed-test")
                .input("a sentence long enough to cost more than the budget of this poor user").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.code()).hasValue("insufficient_quota");
                    assertThat(e.headers().values("X-Should-Retry")).containsExactly("false");
                });
        assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder().model("image-test")
                .prompt("a cat").build())).isInstanceOf(RateLimitException.class);
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("gpt-test")
                .prompt("x").maxTokens(500).build())).isInstanceOf(RateLimitException.class);
        Http.Response responses = http().post("/v1/responses", poorKey, Map.of("model", "gpt-test", "input", "x"));
        assertThat(responses.status()).isEqualTo(429);
        assertThat(responses.json().path("error").path("code").asText()).isEqualTo("insufficient_quota");
        assertThat(responses.header("x-request-id")).startsWith("req_");

        await().untilAsserted(() -> assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.USER_ID.eq(poor)
                .and(MESSAGE_COSTS.OUTCOME.eq("rejected")))).isEqualTo(4));
        assertThat(upstream().requests()).as("nothing went upstream").hasSize(upstreamCalls);
    }

    @Test
    void anUpstreamFailureIs502AndReleasesTheReservationOnEveryRoute() {
        client();
        List<Http.Response> failures = List.of(
                http().post("/v1/embeddings", key, Map.of("model", "embed-broken", "input", "x")),
                http().post("/v1/images/generations", key, Map.of("model", "image-broken", "prompt", "x")),
                http().post("/v1/completions", key, Map.of("model", "gpt-broken", "prompt", "x")),
                http().post("/v1/responses", key, Map.of("model", "gpt-broken", "input", "x")),
                http().post("/v1/responses", key, Map.of("model", "gpt-broken", "input", "x", "stream", true)));

        for (Http.Response failure : failures) {
            assertThat(failure.status()).as(failure.body()).isEqualTo(502);
            assertThat(failure.json().path("error").path("code").asText()).isEqualTo("upstream_error");
            JsonNode row = messageCost(failure.header("x-request-id"));
            assertThat(row.path("outcome").asText()).isEqualTo("released");
            assertThat(row.path("reason").asText()).isEqualTo("upstream_http_500");
            assertThat(row.path("cost").asText()).isEqualTo("0");
        }
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", user);
            assertThat(budget.path("reserved").asText()).isEqualTo("0");
            assertThat(budget.path("spent").asText()).isEqualTo("0");
        });
    }

    @Test
    void aChoiceCountOutsideItsRangeIsRefusedHoweverLargeTheNumberBeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();
        BigInteger pastLong = new BigInteger("18446744073709551617"); // 2^64 + 1: 1 once wrapped to a long
        long pastInt = 4_294_967_298L; // 2^32 + 2: 2 once wrapped to an int

        refused(chat(key, "gpt-test", Map.of("n", pastInt)), "n");
        refused(chat(key, "gpt-test", Map.of("n", pastLong)), "n");
        refused(http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", "x", "n", pastLong)), "n");
        refused(http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", "x", "best_of",
                pastLong)), "best_of");
        refused(http().post("/v1/images/generations", key, Map.of("model", "image-test", "prompt", "a cat",
                "n", pastLong)), "n");
        nothingSentOrReservedSince(upstreamCalls);
    }

    @Test
    void aBackgroundResponseIsRefusedBeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();

        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "a long task",
                "background", true)), "background");

        nothingSentOrReservedSince(upstreamCalls);
        Http.Response foreground = http().post("/v1/responses", key, Map.of("model", "gpt-test",
                "input", "a short task", "background", false));
        assertThat(foreground.status()).as(foreground.body()).isEqualTo(200);
    }

    @Test
    void aCompletionWithoutMaxTokensIsReservedAndSentTheApisDefaultOf16() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        String prompt = unique("a completion without max_tokens");

        Http.Response answer = http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", prompt));
        Http.Response sixteen = http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", prompt,
                "max_tokens", 16));
        Http.Response capped = http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", prompt,
                "max_tokens", 1000));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(upstream().requests().stream().filter(r -> r.toString().contains(prompt))
                .map(r -> r.path("max_tokens").asLong()).toList()).containsExactly(16L, 16L, 1000L);
        // reserved as if it asked for 16, not for gpt-test's cap of 1,000
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(new BigDecimal(sixteen.header("x-tollgate-reserved")))
                .isLessThan(new BigDecimal(capped.header("x-tollgate-reserved")));
    }

    @Test
    void aChatRequestSettingBothOutputLimitsIsRefusedBeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();

        refused(chat(key, "gpt-test", Map.of("max_completion_tokens", 16, "max_tokens", 100_000)), "max_tokens");

        nothingSentOrReservedSince(upstreamCalls);
        assertThat(chat(key, "gpt-test", Map.of("max_completion_tokens", 16)).status()).isEqualTo(200);
    }

    @Test
    void audioInOrOutIsRefusedBeforeAnythingIsReservedOrSentForItWouldBeChargedAtTheTextPrice() {
        client();
        int upstreamCalls = upstream().requests().size();
        Map<String, Object> spoken = Map.of("role", "user", "content", List.of(
                Map.of("type", "text", "text", "What is said here?"),
                Map.of("type", "input_audio", "input_audio", Map.of("data", "UklGRg==", "format", "wav"))));

        refused(chat(key, "gpt-test", Map.of("modalities", List.of("text", "audio"),
                "audio", Map.of("voice", "alloy", "format", "wav"))), "audio");
        refused(chat(key, "gpt-test", Map.of("modalities", List.of("text", "audio"))), "modalities");
        Http.Response heard = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "messages", List.of(spoken)));
        refused(heard, "messages[0].content[1]");
        assertThat(heard.json().path("error").path("code").asText()).isEqualTo("unsupported_parameter");
        // an earlier answer's audio, by id, is read again as audio input
        Http.Response replayed = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test", "messages",
                List.of(Map.of("role", "user", "content", "Say hi"),
                        Map.of("role", "assistant", "audio", Map.of("id", "audio_abc123")),
                        Map.of("role", "user", "content", "Again"))));
        refused(replayed, "messages[1].audio");
        assertThat(replayed.json().path("error").path("code").asText()).isEqualTo("unsupported_parameter");

        nothingSentOrReservedSince(upstreamCalls);
        assertThat(chat(key, "gpt-test", Map.of("modalities", List.of("text"))).status()).isEqualTo(200);
    }

    @Test
    void builtInToolsWithPerCallFeesAndServiceTiersAboveThePricesAreRefusedBeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();
        Map<String, Object> function = Map.of("type", "function", "name", "lookup", "parameters", Map.of());

        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "tools", List.of(function, Map.of("type", "web_search")))), "tools[1]");
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "tools", List.of(Map.of("type", "file_search", "vector_store_ids", List.of("vs_1"))))), "tools[0]");
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "service_tier", "priority")), "service_tier");
        refused(chat(key, "gpt-test", Map.of("web_search_options", Map.of())), "web_search_options");
        refused(chat(key, "gpt-test", Map.of("service_tier", "priority")), "service_tier");
        // a tier Tollgate does not know may bill more (OpenAI's project settings name "fast" and "ultrafast")
        refused(chat(key, "gpt-test", Map.of("service_tier", "fast")), "service_tier");
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "service_tier", "ultrafast")), "service_tier");
        refused(chat(key, "gpt-test", Map.of("service_tier", List.of("default"))), "service_tier");

        nothingSentOrReservedSince(upstreamCalls);
        assertThat(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "tools", List.of(function))).status()).isEqualTo(200);
        assertThat(chat(key, "gpt-test", Map.of("service_tier", "flex")).status()).as("cheaper, never undercounted")
                .isEqualTo(200);
        for (String priced : List.of("auto", "default", "scale")) {
            assertThat(chat(key, "gpt-test", Map.of("service_tier", priced)).status()).as(priced).isEqualTo(200);
        }
    }

    @Test
    void toolsTheUpstreamRunsAndBillsPerCallAreRefusedOnChatAndResponsesBeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();
        Map<String, Object> function = Map.of("type", "function", "function", Map.of("name", "lookup"));

        // OpenRouter's server tools, named in the ordinary tools array and billed per call beside the tokens
        for (String server : List.of("openrouter:web_search", "openrouter:web_fetch", "openrouter:image_generation",
                "openrouter:shell")) {
            Http.Response chat = chat(key, "gpt-test", Map.of("max_tokens", 10,
                    "tools", List.of(function, Map.of("type", server))));
            refused(chat, "tools[1]");
            assertThat(chat.json().path("error").path("code").asText()).isEqualTo("unsupported_parameter");
            assertThat(chat.json().path("error").path("message").asText()).contains("'" + server + "'");
            refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                    "max_output_tokens", 10, "tools", List.of(Map.of("type", server)))), "tools[0]");
        }
        // OpenAI's hosted shell runs in a container billed as code interpreter's is
        for (Map<String, Object> hosted : List.of(Map.<String, Object>of("type", "container_auto"),
                Map.<String, Object>of("type", "container_reference", "container_id", "cntr_1"))) {
            Http.Response shell = http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                    "max_output_tokens", 10, "tools", List.of(Map.of("type", "shell", "environment", hosted))));
            refused(shell, "tools[0]");
            assertThat(shell.json().path("error").path("message").asText()).contains("'shell'")
                    .contains("'" + hosted.get("type") + "'");
        }
        // deny by default: a type Tollgate does not know, a tool without a type, and the Responses-only tools on chat
        Http.Response unknown = chat(key, "gpt-test", Map.of("tools", List.of(Map.of("type", "x".repeat(500)))));
        refused(unknown, "tools[0]");
        assertThat(unknown.json().path("error").path("message").asText()).as("names the type, bounded")
                .contains("xxxxxxxx").hasSizeLessThan(400);
        String smiles = "\uD83D\uDE00";
        Http.Response emoji = chat(key, "gpt-test", Map.of("tools", List.of(Map.of("type", "x" + smiles.repeat(40)))));
        refused(emoji, "tools[0]");
        assertThat(emoji.json().path("error").path("message").asText()).as("never half an emoji")
                .contains("x" + smiles.repeat(31) + "...'");
        refused(chat(key, "gpt-test", Map.of("tools", List.of(Map.of("function", Map.of("name", "f"))))),
                "tools[0]");
        refused(chat(key, "gpt-test", Map.of("tools", List.of("lookup"))), "tools[0]");
        refused(chat(key, "gpt-test", Map.of("tools", List.of(Map.of("type", "mcp", "server_label", "s",
                "server_url", "https://mcp.example.com")))), "tools[0]");
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "tools", List.of(Map.of("type", "tool_from_the_future")))), "tools[0]");
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "tools", List.of(Map.of("name", "lookup")))), "tools[0]");
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "tools", List.of(Map.of("type", "code_interpreter", "container", Map.of("type", "auto"))))),
                "tools[0]");
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "tools", List.of(Map.of("type", "image_generation")))), "tools[0]");

        nothingSentOrReservedSince(upstreamCalls);
        // the tools billed as tokens pass (remote MCP servers too, reserved at the context window: UnseenInputTest)
        assertThat(chat(key, "gpt-test", Map.of("max_tokens", 10, "tools", List.of(function,
                Map.of("type", "custom", "custom", Map.of("name", "python"))))).status()).isEqualTo(200);
        Map<String, Object> local = new HashMap<>(Map.of("type", "shell"));
        local.put("environment", null);
        for (List<Map<String, Object>> tools : List.<List<Map<String, Object>>>of(
                List.of(Map.of("type", "function", "name", "lookup", "parameters", Map.of()),
                        Map.of("type", "custom", "name", "python")),
                List.of(Map.of("type", "computer_use_preview", "display_width", 1024, "display_height", 768,
                        "environment", "browser")),
                List.of(Map.of("type", "computer")),
                List.of(Map.of("type", "local_shell")),
                List.of(Map.of("type", "shell")),
                List.of(local),
                List.of(Map.of("type", "shell", "environment", Map.of("type", "local"))),
                List.of(Map.of("type", "apply_patch")))) {
            Http.Response passed = http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                    "max_output_tokens", 10, "tools", tools));
            assertThat(passed.status()).as("%s: %s", tools, passed.body()).isEqualTo(200);
        }
    }

    @Test
    void outputInAnyModalityButTextIsRefusedBeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();

        // an image model's image tokens are billed at their own price, inside completion_tokens
        Http.Response image = chat(key, "gpt-test", Map.of("max_tokens", 10, "modalities", List.of("image", "text")));
        refused(image, "modalities");
        assertThat(image.json().path("error").path("code").asText()).isEqualTo("unsupported_parameter");
        assertThat(image.json().path("error").path("message").asText()).contains("'image'");
        refused(chat(key, "gpt-test", Map.of("modalities", List.of("text", "video"))), "modalities");
        refused(chat(key, "gpt-test", Map.of("modalities", List.of("text", Map.of("type", "image")))),
                "modalities");
        // OpenRouter reads modalities on its Responses API too
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "modalities", List.of("image", "text"))), "modalities");

        nothingSentOrReservedSince(upstreamCalls);
        assertThat(chat(key, "gpt-test", Map.of("modalities", List.of("text"))).status()).isEqualTo(200);
        assertThat(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x",
                "modalities", List.of("text"))).status()).isEqualTo(200);
    }

    @Test
    void aRoutersPluginsAndOwnFallbacksAreRefusedOnEveryRouteBeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();
        List<Map<String, Object>> web = List.of(Map.of("id", "web", "max_results", 10));

        refused(chat(key, "gpt-test", Map.of("plugins", web)), "plugins");
        refused(chat(key, "gpt-test", Map.of("models", List.of("openai/o1-pro"))), "models");
        refused(chat(key, "gpt-test", Map.of("route", "fallback")), "route");
        refused(chat(key, "gpt-test", Map.of("provider", Map.of("order", List.of("openai")))), "provider");
        refused(chat(key, "gpt-test", Map.of("fallbacks", List.of("gpt-4"))), "fallbacks");
        refused(chat(key, "gpt-test", Map.of("context_window_fallbacks", List.of(Map.of("gpt-test", "gpt-4")))),
                "context_window_fallbacks");
        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "x", "plugins", web)),
                "plugins");
        refused(http().post("/v1/completions", key, Map.of("model", "gpt-test", "prompt", "x",
                "models", List.of("openai/o1-pro"))), "models");
        refused(http().post("/v1/embeddings", key, Map.of("model", "embed-test", "input", "x", "plugins", web)),
                "plugins");

        nothingSentOrReservedSince(upstreamCalls);
    }

    @Test
    void aSearchModelIsServedOnlyWithAPerRequestPriceToChargeItsSearchWith() {
        String key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
        Map<String, Object> question = Map.of("role", "user", "content", "What happened today?");

        Http.Response unpriced = http().post("/v1/chat/completions", key, Map.of("model", "gpt-search-unpriced",
                "max_tokens", 10, "messages", List.of(question)));
        Http.Response priced = http().post("/v1/chat/completions", key, Map.of("model", "gpt-search-priced",
                "max_tokens", 10, "messages", List.of(question)));

        // every call searches the web, billed beside the tokens and never in the usage
        assertThat(unpriced.status()).as(unpriced.body()).isEqualTo(503);
        assertThat(unpriced.json().path("error").path("code").asText()).isEqualTo("model_not_priced");
        assertThat(unpriced.json().path("error").path("message").asText()).contains("per-request");
        assertThat(priced.status()).as(priced.body()).isEqualTo(200);
        assertThat(new BigDecimal(priced.header("x-tollgate-cost"))).isGreaterThan(new BigDecimal("0.03"));
    }

    @Test
    void toolsOrModalitiesThatAreNotAnArrayAreA400BeforeAnythingIsReservedOrSent() {
        client();
        int upstreamCalls = upstream().requests().size();

        refused(http().post("/v1/responses", key, Map.of("model", "gpt-test", "input", "hi",
                "tools", Map.of("a", Map.of()))), "tools");
        refused(chat(key, "gpt-test", Map.of("tools", Map.of("a", Map.of()))), "tools");
        refused(chat(key, "gpt-test", Map.of("modalities", "audio")), "modalities");

        nothingSentOrReservedSince(upstreamCalls);
    }

    /** A 400 in OpenAI's shape naming {@code param}. */
    private static void refused(Http.Response response, String param) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(response.json().path("error").path("param").asText()).isEqualTo(param);
    }

    /** Nothing went upstream after the first {@code upstreamCalls} calls, and nothing was recorded for the user. */
    private void nothingSentOrReservedSince(int upstreamCalls) {
        assertThat(upstream().requests()).hasSize(upstreamCalls);
        assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.USER_ID.eq(user))).isZero();
    }

    @Test
    void aModelUsedOnARouteItDoesNotServeIsAClear400() {
        client();

        Http.Response chatOnEmbeddings = http().post("/v1/embeddings", key, Map.of("model", "gpt-test", "input", "x"));
        assertThat(chatOnEmbeddings.status()).isEqualTo(400);
        assertThat(chatOnEmbeddings.json().path("error").path("code").asText()).isEqualTo("model_not_supported");
        assertThat(chatOnEmbeddings.json().path("error").path("message").asText()).contains("chat model")
                .contains("/v1/embeddings");
        Http.Response embeddingOnChat = chat(key, "embed-test", Map.of());
        assertThat(embeddingOnChat.status()).isEqualTo(400);
        assertThat(embeddingOnChat.json().path("error").path("param").asText()).isEqualTo("model");
        assertThat(http().post("/v1/responses", key, Map.of("model", "image-test", "input", "x")).status())
                .isEqualTo(400);
        assertThat(http().post("/v1/images/generations", key, Map.of("model", "nope", "prompt", "x")).status())
                .isEqualTo(404);
        assertThat(http().post("/v1/embeddings", key, Map.of("model", "embed-test")).json().path("error")
                .path("param").asText()).isEqualTo("input");
        assertThat(http().post("/v1/embeddings", "tg-wrong", Map.of("model", "embed-test", "input", "x")).status())
                .isEqualTo(401);
        assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.USER_ID.eq(user))).isZero();
    }

    @Test
    void aKeysRateLimitsApplyAndAreShownOnEveryRoute() {
        String limitedUser = newUser(newTeam(null, null, "clamp"), null);
        String limited = issue(new HashMap<>(Map.of("user_id", limitedUser, "name", "limited",
                "requests_per_minute", 2))).path("key").asText();

        Http.Response first = http().post("/v1/embeddings", limited, Map.of("model", "embed-test", "input", "x"));
        assertThat(first.header("x-ratelimit-limit-requests")).isEqualTo("2");
        assertThat(http().post("/v1/completions", limited, Map.of("model", "gpt-test", "prompt", "x")).status())
                .isEqualTo(200);
        Http.Response third = http().post("/v1/responses", limited, Map.of("model", "gpt-test", "input", "x"));
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.json().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
    }

    // ------------------------------------------------------------------ the built-in mock

    @Test
    void theBuiltInMockAnswersEveryRouteDeterministicallyWithRealCosts() {
        OpenAIClient client = client();

        Completion completion = client.completions().create(CompletionCreateParams.builder().model("mock-model")
                .prompt("Say hello").maxTokens(10).build());
        assertThat(completion.choices().get(0).text()).startsWith("Hello from Tollgate");
        assertThat(completion.usage().orElseThrow().completionTokens()).isLessThanOrEqualTo(10);

        CreateEmbeddingResponse first = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("mock-embedding").input("same text").build());
        CreateEmbeddingResponse again = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("mock-embedding").input("same text").build());
        assertThat(first.data().get(0).embedding()).hasSize(16).isEqualTo(again.data().get(0).embedding());
        Http.Response base64 = http().post("/v1/embeddings", key, Map.of("model", "mock-embedding",
                "input", List.of("a", "b"), "encoding_format", "base64", "dimensions", 4));
        assertThat(base64.json().path("data")).hasSize(2);
        assertThat(base64.json().path("data").get(0).path("embedding").asText()).hasSize(24); // 16 bytes in base64

        HttpResponseFor<ImagesResponse> image = client.images().withRawResponse().generate(ImageGenerateParams
                .builder().model("mock-image").prompt("a cat").quality(ImageGenerateParams.Quality.HD).build());
        assertThat(image.parse().data().orElseThrow().get(0).url()).hasValueSatisfying(url ->
                assertThat(url).startsWith("data:image/png;base64,"));
        assertThat(new BigDecimal(header(image, "x-tollgate-cost"))).isEqualByComparingTo("0.08");

        HttpResponseFor<Response> response = client.responses().withRawResponse().create(ResponseCreateParams
                .builder().model("mock-model").input("Hello").build());
        assertThat(response.parse().output().get(0).asMessage().content().get(0).asOutputText().text())
                .startsWith("Hello from Tollgate");
        String cost = header(response, "x-tollgate-cost");
        assertThat(new BigDecimal(cost)).isPositive();
        chargedExactly(header(response, "x-request-id"), cost);

        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams
                .builder().model("mock-model").input("Hello").build())) {
            stream.stream().forEach(events::add);
        }
        assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
                .map(e -> e.asOutputTextDelta().delta()).reduce("", String::concat)).startsWith("Hello from Tollgate");
        ResponseStreamEvent completed = events.get(events.size() - 1);
        assertThat(usageCost(completed.asCompleted().response().usage().orElseThrow()._additionalProperties()))
                .isEqualByComparingTo(cost); // the same question, the same answer, the same cost

        Http.Response streamedCompletion = http().post("/v1/completions", key, Map.of("model", "mock-model",
                "prompt", "Hi", "stream", true, "stream_options", Map.of("include_usage", true)));
        assertThat(streamedCompletion.body()).contains("\"cost\"").endsWith("data: [DONE]\n\n");
    }
}
