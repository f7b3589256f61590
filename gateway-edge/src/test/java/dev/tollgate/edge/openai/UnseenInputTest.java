package dev.tollgate.edge.openai;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input the upstream reads and bills but Tollgate cannot see (a file, state or a prompt kept upstream) is reserved at
 * the context window of each model that may answer, and refused where one has none. The models cost 0.001 per prompt
 * token and nothing for their answer, so that the reservation is the prompt's: {@code mock-unseen-window} reads 500
 * tokens and falls back to {@code mock-image-window}, which reads 1,000; {@code mock-unseen-unbounded-fallback} falls
 * back to {@code mock-image-prompt}, which has no context window; {@code o4-mini-direct} serves OpenAI's o4-mini
 * without a configured context window, so its family's (200,000 tokens) is its own.
 */
class UnseenInputTest extends GatewayTestSupport {

    static final BigDecimal PER_TOKEN = new BigDecimal("0.001");

    private String user;

    private String key() {
        user = newUser(newTeam(null, "1000", "clamp"), null);
        return newUserKey(user, List.of());
    }

    @Test
    void aResponseContinuedUpstreamIsReservedAtTheLargestContextWindowOfTheModelsThatMayAnswer() {
        Http.Response answer = http().post("/v1/responses", key(), Map.of("model", "mock-unseen-window",
                "input", "and then?", "previous_response_id", "resp_123", "max_output_tokens", 5));

        // the window is not counted against the window: the requested model (500) answers, reserved at its
        // fallback's 1,000
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("x-tollgate-model")).isEqualTo("mock-unseen-window");
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000)));
    }

    @Test
    void aChatFileIsReservedAtTheContextWindowAndNotCountedAsItsBytes() {
        StringBuilder pdf = new StringBuilder("data:application/pdf;base64,");
        Random random = new Random(7);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 8000; i++) {
            pdf.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        Map<String, Object> message = Map.of("role", "user", "content", List.of(
                Map.of("type", "text", "text", "Summarise this."),
                Map.of("type", "file", "file", Map.of("filename", "a.pdf", "file_data", pdf.toString()))));

        Http.Response answer = http().post("/v1/chat/completions", key(), Map.of("model", "mock-image-window",
                "max_tokens", 5, "messages", List.of(message)));

        // 8,000 characters of base64 are not 8,000 tokens of prompt: the model's 1,000-token window bounds the file
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000)));
    }

    @Test
    void azureDataSourcesAreReservedAtTheContextWindowTheRetrievedDocumentsCanFill() {
        Map<String, Object> search = Map.of("type", "azure_search", "parameters",
                Map.of("endpoint", "https://search.example", "index_name", "course-notes"));
        Map<String, Object> question = Map.of("role", "user", "content", "What does week 3 cover?");

        Http.Response answer = http().post("/v1/chat/completions", key(), Map.of("model", "mock-image-window",
                "max_tokens", 5, "messages", List.of(question), "data_sources", List.of(search)));
        Http.Response windowless = http().post("/v1/chat/completions", key(), Map.of("model", "mock-image-prompt",
                "max_tokens", 5, "messages", List.of(question), "data_sources", List.of(search)));

        // the documents the upstream retrieves are billed as prompt tokens: a few words must not be all that is held
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000)));
        refused(windowless, "data_sources", "mock-image-prompt");
    }

    @Test
    void unseenInputIsRefusedBeforeAnythingIsReservedWhenAModelThatMayAnswerHasNoContextWindow() {
        String key = key();
        Map<String, Object> file = Map.of("type", "input_file", "file_id", "file-abc");

        refused(http().post("/v1/responses", key, Map.of("model", "mock-image-prompt", "input", List.of(
                Map.of("role", "user", "content", List.of(Map.of("type", "input_text", "text", "Read it."), file))))),
                "input[0].content[1]", "mock-image-prompt");
        refused(http().post("/v1/responses", key, Map.of("model", "mock-image-prompt", "input", List.of(
                Map.of("type", "function_call_output", "call_id", "c", "output", List.of(file))))),
                "input[0].output[0]", "mock-image-prompt");
        refused(http().post("/v1/responses", key, Map.of("model", "mock-image-prompt", "conversation", "conv_1",
                "input", "hi")), "conversation", "mock-image-prompt");
        refused(http().post("/v1/responses", key, Map.of("model", "mock-image-prompt",
                "prompt", Map.of("id", "pmpt_1", "variables", Map.of("doc", file)))), "prompt", "mock-image-prompt");
        refused(http().post("/v1/chat/completions", key, Map.of("model", "mock-image-prompt", "messages", List.of(
                Map.of("role", "user", "content", List.of(Map.of("type", "file", "file",
                        Map.of("file_id", "file-abc"))))))), "messages[0].content[0]", "mock-image-prompt");

        assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.USER_ID.eq(user))).isZero();
    }

    @Test
    void aFallbackWithoutAContextWindowIsLeftOutRatherThanRefusingTheRequest() {
        Http.Response answer = http().post("/v1/responses", key(), Map.of("model", "mock-unseen-unbounded-fallback",
                "previous_response_id", "resp_123", "max_output_tokens", 5));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .as("its own window; the fallback without one, which could not bound it, is not a candidate")
                .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000)));
    }

    @Test
    void imagesAreReservedBesideTheContextWindowThatBoundsUnseenInput() {
        Map<String, Object> image = Map.of("type", "image_url", "image_url", Map.of("url", "https://x/a.png"));
        Map<String, Object> message = Map.of("role", "user", "content", List.of(image, image,
                Map.of("type", "file", "file", Map.of("file_id", "file-abc"))));

        Http.Response answer = http().post("/v1/chat/completions", key(), Map.of("model", "mock-image-window",
                "max_tokens", 5, "messages", List.of(message)));

        // an image may count more than the window holds (gpt-4o-mini's 48,169 against 128,000): never less than both
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000 + 2 * 2000)));
    }

    @Test
    void itemsByReferenceAndRemoteMcpToolsAreUnseenInput() {
        String key = key();
        Http.Response byReference = http().post("/v1/responses", key, Map.of("model", "mock-unseen-window",
                "max_output_tokens", 5, "input", List.of(Map.of("type", "item_reference", "id", "msg_1"),
                        Map.of("role", "user", "content", "and this?"))));
        Http.Response byIdAlone = http().post("/v1/responses", key, Map.of("model", "mock-unseen-window",
                "max_output_tokens", 5, "input", List.of(Map.of("id", "msg_1"))));
        Http.Response mcp = http().post("/v1/responses", key, Map.of("model", "mock-unseen-window",
                "max_output_tokens", 5, "input", "What is on the board?", "tools", List.of(Map.of("type", "mcp",
                        "server_label", "board", "server_url", "https://mcp.example/sse"))));

        for (Http.Response answer : List.of(byReference, byIdAlone, mcp)) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(new BigDecimal(answer.header("x-tollgate-reserved"))).as(answer.body())
                    .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000)));
        }
    }

    @Test
    void reasoningPassedBackByIdOrEncryptedIsUnseenInputAndTheSummaryAloneIsNot() {
        String key = key();
        List<Map<String, String>> summary = List.of(Map.of("type", "summary_text", "text", "Look the weather up."));
        Map<String, Object> stored = Map.of("type", "reasoning", "id", "rs_1", "summary", summary);
        Map<String, Object> encrypted = Map.of("type", "reasoning", "summary", summary,
                "encrypted_content", "gAAAAABoISQ24OyVRYbkYfukdJoqdzWT-3uiErKInHDC");
        Map<String, Object> shown = Map.of("type", "reasoning", "summary", summary);

        Http.Response byId = http().post("/v1/responses", key, turn("mock-unseen-window", stored));
        Http.Response inBlob = http().post("/v1/responses", key, turn("mock-unseen-window", encrypted));
        Http.Response summaryOnly = http().post("/v1/responses", key, turn("mock-unseen-window", shown));
        Http.Response noWindow = http().post("/v1/responses", key, turn("mock-image-prompt", stored));
        Http.Response noUsage = http().post("/v1/responses", key, turn("gpt-unseen-no-usage", stored));

        // the upstream reads the reasoning itself (stored, or decrypted) while the request shows its summary alone
        for (Http.Response answer : List.of(byId, inBlob)) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(new BigDecimal(answer.header("x-tollgate-reserved"))).as(answer.body())
                    .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000)));
        }
        assertThat(summaryOnly.status()).as(summaryOnly.body()).isEqualTo(200);
        assertThat(new BigDecimal(summaryOnly.header("x-tollgate-reserved")))
                .as("a summary without id or blob holds nothing more than its text")
                .isLessThan(PER_TOKEN.multiply(BigDecimal.valueOf(500)));
        refused(noWindow, "input[1]", "mock-image-prompt");
        assertThat(noUsage.status()).as(noUsage.body()).isEqualTo(200);
        assertThat(noUsage.json().path("usage").path("input_tokens").asLong()).isEqualTo(1000);
        assertThat(new BigDecimal(noUsage.header("x-tollgate-cost")))
                .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000)));
    }

    @Test
    void encryptedReasoningToADirectlyConfiguredOpenAiModelWithoutContextWindowIsReservedAtItsFamilysWindow() {
        Map<String, Object> encrypted = Map.of("type", "reasoning", "summary", List.of(),
                "encrypted_content", "gAAAAABoISQ24OyVRYbkYfukdJoqdzWT-3uiErKInHDC");
        Map<String, Object> codexTurn = new java.util.HashMap<>(turn("o4-mini-direct", encrypted));
        codexTurn.put("store", false);
        codexTurn.put("include", List.of("reasoning.encrypted_content"));

        Http.Response answer = http().post("/v1/responses", key(), codexTurn);

        // a Codex-style agent (store: false) sends its reasoning back encrypted every turn: o4-mini's 200,000 tokens
        // bound it, where the model without a window refused it
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("x-tollgate-model")).isEqualTo("o4-mini-direct");
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved")))
                .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(200_000)));
    }

    /** A function call's turn passed back: the question, the reasoning that led to the call, the call, its output. */
    private static Map<String, Object> turn(String model, Map<String, Object> reasoning) {
        return Map.of("model", model, "max_output_tokens", 5, "input", List.of(
                Map.of("role", "user", "content", "Weather in Paris?"), reasoning,
                Map.of("type", "function_call", "call_id", "call_1", "name", "weather", "arguments", "{}"),
                Map.of("type", "function_call_output", "call_id", "call_1", "output", "20 C")));
    }

    @Test
    void unseenInputOfAnAnswerWithoutUsageIsChargedWhatWasReservedForIt() {
        Http.Response answer = http().post("/v1/chat/completions", key(), Map.of("model", "gpt-unseen-no-usage",
                "max_tokens", 5, "messages", List.of(Map.of("role", "user", "content", List.of(
                        Map.of("type", "text", "text", "Summarise this."),
                        Map.of("type", "file", "file", Map.of("file_id", "file-abc")))))));

        // the upstream read the file and reported nothing: what it can have billed, not the few words counted
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(1000);
        assertThat(new BigDecimal(answer.header("x-tollgate-cost")))
                .isEqualByComparingTo(PER_TOKEN.multiply(BigDecimal.valueOf(1000)));
    }

    private static void refused(Http.Response response, String param, String model) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("unsupported_parameter");
        assertThat(response.json().path("error").path("param").asText()).isEqualTo(param);
        assertThat(response.json().path("error").path("message").asText()).contains("'" + model + "'")
                .contains("context-window");
    }
}
