package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A chat prompt is priced by its upper bound (UTF-8 bytes) far from the limit, and counted exactly wherever the count
 * could change a decision (docs/ledger.md, "Prompt tokens, counted when they matter"). {@code mock-prompt-and-output}
 * costs 0.001 per token, input and output; {@code mock-prompt-priced} 0.001 per prompt token and nothing for its
 * answer, so that its cost is its worst case. Their mock upstream counts the prompt exactly as Tollgate does.
 */
class PromptBoundTest extends GatewayTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter TOKENS = new TokenCounter();
    static final BigDecimal PER_TOKEN = new BigDecimal("0.001");
    static final String CONTENT = "Grüße, wie geht's? 👋 Explain recursion in one sentence, please.";

    static Map<String, Object> body(int maxTokens) {
        return body("mock-prompt-and-output", maxTokens);
    }

    static Map<String, Object> body(String model, int maxTokens) {
        return Map.of("model", model, "max_tokens", maxTokens,
                "messages", List.of(Map.of("role", "user", "content", CONTENT)));
    }

    static long exact() {
        return TOKENS.prompt(JSON.valueToTree(body(1)));
    }

    static long bound() {
        return TOKENS.promptBound(JSON.valueToTree(body(1)));
    }

    static BigDecimal tokens(long count) {
        return PER_TOKEN.multiply(BigDecimal.valueOf(count));
    }

    @Test
    void farFromTheLimitTheBoundIsReservedAndTheExactCountCharged() {
        assertThat(bound()).isGreaterThan(exact()); // the test means something only if they differ
        String team = newTeam(null, "1000", "clamp");
        String key = newUserKey(newUser(team, null), List.of());

        Http.Response answer = http().post("/v1/chat/completions", key, body(5));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long completion = answer.json().path("usage").path("completion_tokens").asLong();
        assertThat(completion).isBetween(1L, 5L);
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved"))).isEqualByComparingTo(tokens(bound() + 5));
        assertThat(new BigDecimal(answer.header("x-tollgate-cost")))
                .isEqualByComparingTo(tokens(exact() + completion));
        assertThat(answer.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(exact());
        assertThat(new BigDecimal(answer.json().path("usage").path("cost").asText()))
                .isEqualByComparingTo(tokens(exact() + completion));
    }

    @Test
    void nearTheLimitTheClampIsWhatTheExactCountAffords() {
        // 30 output tokens after the exact prompt; by the bound it would be 30 - (bound - exact)
        String team = newTeam(null, tokens(exact() + 30).toPlainString(), "clamp");
        String key = newUserKey(newUser(team, null), List.of());

        Http.Response answer = http().post("/v1/chat/completions", key, body(100));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("x-tollgate-max-tokens")).isEqualTo("30");
        assertThat(new BigDecimal(answer.header("x-tollgate-reserved"))).isEqualByComparingTo(tokens(exact() + 30));
        assertThat(new BigDecimal(answer.header("x-tollgate-cost"))).isEqualByComparingTo(
                tokens(exact() + answer.json().path("usage").path("completion_tokens").asLong()));
    }

    @Test
    void aBudgetForExactlyNRequestsLetsNOfTenTimesAsManyConcurrentOnesThrough() {
        int n = 12;
        BigDecimal each = tokens(exact()); // the answer is free: cost = worst case
        String team = newTeam(null, each.multiply(BigDecimal.valueOf(n)).toPlainString(), "reject");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        String payload;
        try {
            payload = JSON.writeValueAsString(body("mock-prompt-priced", 1));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 10 * n; i++) {
            HttpRequest request = http().request("/v1/chat/completions", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
            responses.add(Http.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = responses.stream().map(CompletableFuture::join).map(HttpResponse::statusCode)
                .toList();

        assertThat(statuses.stream().filter(s -> s == 200)).hasSize(n);
        assertThat(statuses.stream().filter(s -> s == 429)).hasSize(9 * n);
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", user);
            assertThat(budget.path("reserved").asText()).isEqualTo("0");
            assertThat(new BigDecimal(budget.path("spent").asText()))
                    .isEqualByComparingTo(each.multiply(BigDecimal.valueOf(n)));
        });
    }

    @Test
    void anAnswerWithoutUsageIsChargedTheExactCountWithItsProvidersMarginAsReserved() {
        String team = newTeam(null, "1000", "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        Map<String, Object> body = Map.of("model", "gpt-terse",
                "messages", List.of(Map.of("role", "user", "content", CONTENT)));

        Http.Response answer = http().post("/v1/chat/completions", key, body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        // the provider may count more than Tollgate's tokenizer does: as for a stream cut before its usage, the
        // prompt is charged as it was reserved, with the openai provider's built-in margin (8 tokens and 2 %)
        long counted = TOKENS.prompt(JSON.valueToTree(body));
        long withMargin = counted + 8 + (counted * 2 + 99) / 100;
        assertThat(answer.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(withMargin);
        assertThat(messageCost(answer.header("x-request-id")).path("usage").path("prompt_tokens").asLong())
                .isEqualTo(withMargin);
    }
}
