package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.wire.TokenCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keys with limits of their own: requests and tokens per minute (429 {@code rate_limit_exceeded}, distinct from a
 * budget's {@code insufficient_quota}), a budget of their own, metadata and default tags; rotation keeps the key's
 * identity and history.
 */
class KeysTest extends GatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    JsonNode issueFor(String user, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("user_id", user, "name", "limited"));
        body.putAll(extra);
        return issue(body);
    }

    @Test
    void aKeyGetsExactlyItsRequestsPerMinuteThen429WithRetryAfter() {
        String user = newUser(newTeam(null, null, "clamp"), null);
        String key = issueFor(user, Map.of("requests_per_minute", 3)).path("key").asText();

        for (int i = 1; i <= 3; i++) {
            Http.Response ok = chat(key, "gpt-cheap", Map.of());
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.header("x-ratelimit-limit-requests")).isEqualTo("3");
            assertThat(ok.header("x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(3 - i));
        }
        Http.Response limited = chat(key, "gpt-cheap", Map.of());
        assertThat(limited.status()).isEqualTo(429);
        JsonNode error = limited.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("type").asText()).isEqualTo("requests");
        assertThat(error.path("message").asText()).contains("3 requests per minute");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(limited.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(limited.header("x-ratelimit-reset-requests")).matches("\\d+(ms|s|m\\d+s)");

        // The SDK would wait Retry-After and try again (it should: the limit frees up); here it must not.
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(key).maxRetries(0)
                .build();
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-cheap").addUserMessage("Hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class,
                        e -> assertThat(e.code()).hasValue("rate_limit_exceeded"));
    }

    @Test
    void concurrentRequestsNeverPassARequestsPerMinuteLimit() {
        String user = newUser(newTeam(null, null, "clamp"), null);
        String key = issueFor(user, Map.of("requests_per_minute", 10)).path("key").asText();
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < 40; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> chat(key, "gpt-cheap", Map.of()).status(), pool));
            }
            List<Integer> statuses = answers.stream().map(CompletableFuture::join).toList();
            assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(10);
            assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(30);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyGetsItsTokensPerMinuteCountingWhatRequestsReallyUsed() {
        String user = newUser(newTeam(null, null, "clamp"), null);
        String key = issueFor(user, Map.of("tokens_per_minute", 1500)).path("key").asText();

        Http.Response first = chat(key, "gpt-cheap", Map.of("max_tokens", 1000));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-ratelimit-limit-tokens")).isEqualTo("1500");
        JsonNode usage = first.json().path("usage");
        long used = usage.path("total_tokens").asLong();

        Http.Response second = chat(key, "gpt-cheap", Map.of("max_tokens", 1000));
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.json().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(second.json().path("error").path("type").asText()).isEqualTo("tokens");
        assertThat(second.header("x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(1500 - used));
        assertThat(second.header("Retry-After")).isNotBlank();

        Http.Response small = chat(key, "gpt-cheap", Map.of("max_tokens", 50));
        assertThat(small.status()).as("what is left of the minute still serves a small request").isEqualTo(200);

        Http.Response tooBig = chat(issueFor(user, Map.of("tokens_per_minute", 500)).path("key").asText(),
                "gpt-cheap", Map.of("max_tokens", 1000));
        assertThat(tooBig.status()).isEqualTo(429);
        assertThat(tooBig.json().path("error").path("message").asText()).contains("more than this key's 500 tokens");
    }

    @Test
    void aPredictionCountsInTheTokensPerMinuteEstimateAsItDoesInTheReservation() {
        String user = newUser(newTeam(null, null, "clamp"), null);
        String key = issueFor(user, Map.of("tokens_per_minute", 1000)).path("key").asText();
        String prediction = "The budget reserves the worst case before the request goes upstream. ".repeat(100);
        long predicted = new TokenCounter().text(prediction);
        assertThat(predicted).as("billed as output when rejected, beside max_tokens").isGreaterThan(1000);
        Map<String, Object> body = Map.of("model", "gpt-cheap", "max_tokens", 1, "prediction",
                Map.of("type", "content", "content", prediction), "messages",
                List.of(Map.of("role", "user", "content", "Rewrite it " + unique("p"))));

        Http.Response refused = http().post("/v1/chat/completions", key, body);
        Http.Response plain = chat(key, "gpt-cheap", Map.of("max_tokens", 1));

        // the prompt and max_tokens alone fit the minute; the prediction the upstream may bill does not
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        long estimate = new TokenCounter().prompt(JSON.valueToTree(body)) + 1 + predicted;
        assertThat(refused.json().path("error").path("message").asText())
                .contains("This request may use " + estimate + " tokens, more than this key's 1000 tokens");
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
    }

    @Test
    void aKeysOwnBudgetRefusesWithInsufficientQuotaNamingTheKey() {
        String user = newUser(newTeam(null, null, "reject"), null);
        JsonNode capped = issueFor(user, Map.of("budget", Map.of("limit", "0.001", "period", "daily")));
        Http.Response refused = chat(capped.path("key").asText(), "gpt-test", Map.of("max_tokens", 1000));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("insufficient_quota");
        assertThat(refused.header("x-tollgate-budget")).isEqualTo("key");
        assertThat(refused.json().path("error").path("message").asText()).contains(capped.path("id").asText());

        assertThat(chat(newUserKey(user, List.of()), "gpt-test", Map.of("max_tokens", 1000)).status())
                .as("the user's other key has no such budget").isEqualTo(200);

        Http.Response raised = http().put("/admin/keys/" + capped.path("id").asText() + "/budget", MASTER_KEY,
                Map.of("limit", "1", "period", "daily", "reason", "more"));
        assertThat(raised.status()).as(raised.body()).isEqualTo(200);
        assertThat(chat(capped.path("key").asText(), "gpt-test", Map.of("max_tokens", 1000)).status()).isEqualTo(200);
        await().untilAsserted(() -> { // budget_status is a projection: it follows within moments
            JsonNode budget = budgetOf("keys", capped.path("id").asText());
            assertThat(budget.path("limit").asText()).isEqualTo("1");
            assertThat(budget.path("period").asText()).isEqualTo("daily");
        });

        assertThat(http().put("/admin/keys/" + capped.path("id").asText() + "/budget", MASTER_KEY,
                Map.of("limit", "1", "period", "daily")).status()).as("a budget change needs a reason").isEqualTo(400);
    }

    @Test
    void rotatingGivesANewSecretToTheSameKeyAndTheOldOneStops() {
        String user = newUser(newTeam(null, null, "clamp"), null);
        JsonNode issued = issueFor(user, Map.of("requests_per_minute", 100));
        String keyId = issued.path("id").asText();
        String before = chat(issued.path("key").asText(), "gpt-cheap", Map.of()).header("x-request-id");

        Http.Response rotated = http().post("/admin/keys/" + keyId + "/rotate", MASTER_KEY,
                Map.of("reason", "leaked in a notebook"));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newSecret = rotated.json().path("key").asText();
        assertThat(rotated.json().path("id").asText()).isEqualTo(keyId);
        assertThat(newSecret).isNotEqualTo(issued.path("key").asText());

        assertThat(chat(issued.path("key").asText(), "gpt-cheap", Map.of()).status()).isEqualTo(401);
        Http.Response after = chat(newSecret, "gpt-cheap", Map.of());
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.header("x-ratelimit-remaining-requests")).as("the same key, the same window")
                .isEqualTo("98");
        assertThat(messageCost(after.header("x-request-id")).path("key_id").asText()).isEqualTo(keyId);
        assertThat(messageCost(before).path("key_id").asText()).isEqualTo(keyId);

        JsonNode view = http().get("/admin/keys/" + keyId, MASTER_KEY).json();
        assertThat(view.path("rotated_at").isNull()).isFalse();
        assertThat(view.toString()).doesNotContain(newSecret).doesNotContain(issued.path("key").asText());
    }

    @Test
    void aKeyCarriesItsNameMetadataDefaultTagsAndLimits() {
        String user = newUser(newTeam(null, null, "clamp"), null);
        JsonNode issued = issueFor(user, Map.of("name", "cs101 notebook", "requests_per_minute", 60,
                "tokens_per_minute", 100000, "metadata", Map.of("owner", "lab 3"),
                "default_tags", Map.of("course", "cs101"), "allowed_models", List.of("gpt-cheap")));
        JsonNode view = http().get("/admin/keys/" + issued.path("id").asText(), MASTER_KEY).json();
        assertThat(issued.path("id").asText()).matches("key_[0-9a-f]{16}");
        assertThat(view.path("name").asText()).isEqualTo("cs101 notebook");
        assertThat(view.path("requests_per_minute").asLong()).isEqualTo(60);
        assertThat(view.path("tokens_per_minute").asLong()).isEqualTo(100000);
        assertThat(view.path("metadata").path("owner").asText()).isEqualTo("lab 3");
        assertThat(view.path("default_tags").path("course").asText()).isEqualTo("cs101");
        assertThat(view.path("allowed_models").get(0).asText()).isEqualTo("gpt-cheap");
    }

    @Test
    void refusesKeysThatMakeNoSense() {
        String user = newUser(newTeam(null, null, "clamp"), null);
        assertThat(http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "requests_per_minute", 0))
                .status()).isEqualTo(400);
        assertThat(http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "allowed_models",
                List.of("gpt-nonexistent"))).json().path("error").path("param").asText()).isEqualTo("allowed_models");
        assertThat(http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "expires_at",
                "2020-01-01T00:00:00Z")).status()).isEqualTo(400);
        assertThat(http().post("/admin/keys", MASTER_KEY, Map.of("name", "nobody's")).status()).isEqualTo(400);
        assertThat(http().post("/admin/keys", MASTER_KEY, Map.of("user_id", unique("ghost"))).status())
                .isEqualTo(404);
        assertThat(http().post("/admin/keys/key_0000000000000000/rotate", MASTER_KEY, Map.of()).status())
                .isEqualTo(404);
    }
}
