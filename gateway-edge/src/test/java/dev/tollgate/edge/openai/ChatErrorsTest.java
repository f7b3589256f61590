package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Every way a request can fail gets an OpenAI-style error with the right status, and nothing is charged or lost. */
class ChatErrorsTest extends GatewayTestSupport {

    static ChatCompletionCreateParams hello(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello").build();
    }

    static void assertOpenAiError(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode error = response.json().path("error");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("param")).isTrue();
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(response.header("x-request-id")).startsWith("req_");
    }

    int rowsOfTeam(String teamId) {
        return dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.TEAM_ID.eq(teamId));
    }

    @Test
    void aMissingOrUnknownKeyIs401() {
        assertOpenAiError(http().post("/v1/chat/completions", null, Map.of("model", "gpt-test")), 401,
                "invalid_api_key");
        assertThatThrownBy(() -> openAi("tg-not-a-real-key").chat().completions().create(hello("gpt-test")))
                .isInstanceOfSatisfying(UnauthorizedException.class,
                        e -> assertThat(e.code()).hasValue("invalid_api_key"));
    }

    @Test
    void aRevokedKeyStopsWorkingWithinASecond() {
        String team = newTeam(null, null, "clamp");
        JsonNode issued = issue(Map.of("name", "soon revoked", "user_id", newUser(team, null)));
        OpenAIClient client = openAi(issued.path("key").asText());
        client.chat().completions().create(hello("gpt-test"));

        Http.Response revoked = http().delete("/admin/keys/" + issued.path("id").asText() + "?reason=lost", MASTER_KEY);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("revoke_reason").asText()).isEqualTo("lost");

        long revokedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-test")))
                        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("revoked"));
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void malformedJsonIs400AndNothingIsRecorded() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());

        assertOpenAiError(http().post("/v1/chat/completions", key, "{\"model\": \"gpt-test\", \"messages\": ["), 400,
                "invalid_request");
        assertOpenAiError(http().post("/v1/chat/completions", key, "[1, 2]"), 400, "invalid_request");
        assertThat(rowsOfTeam(team)).isZero();
    }

    @Test
    void missingFieldsAre400NamingTheParameter() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());

        Http.Response noModel = http().post("/v1/chat/completions", key,
                Map.of("messages", List.of(Map.of("role", "user", "content", "x"))));
        assertOpenAiError(noModel, 400, "invalid_request");
        assertThat(noModel.json().path("error").path("param").asText()).isEqualTo("model");

        Http.Response noMessages = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test"));
        assertThat(noMessages.json().path("error").path("param").asText()).isEqualTo("messages");

        Http.Response badMaxTokens = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "max_tokens", -3, "messages", List.of(Map.of("role", "user", "content", "x"))));
        assertThat(badMaxTokens.json().path("error").path("param").asText()).isEqualTo("max_tokens");
        assertThatThrownBy(() -> openAi(key).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-test").messages(List.of()).build())).isInstanceOf(BadRequestException.class);
        assertThat(rowsOfTeam(team)).isZero();
    }

    @Test
    void anUnknownModelIs404AndAModelTheKeyMayNotUseIs403() {
        String team = newTeam(null, null, "clamp");
        OpenAIClient client = openAi(newUserKey(newUser(team, null), List.of("mock-model")));

        assertThatThrownBy(() -> client.chat().completions().create(hello("no-such-model")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        assertThatThrownBy(() -> client.chat().completions().create(hello("gpt-test")))
                .isInstanceOfSatisfying(PermissionDeniedException.class,
                        e -> assertThat(e.code()).hasValue("model_not_allowed"));
        assertThat(rowsOfTeam(team)).isZero();
    }

    @Test
    void aBodyOverTheConfiguredSizeIs413() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        String big = "x".repeat(70 * 1024);

        assertOpenAiError(http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "messages", List.of(Map.of("role", "user", "content", big)))), 413, "request_too_large");
        // without a Content-Length the limit holds as well
        Http.Response chunked = http().send(http().request("/v1/chat/completions", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        ("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}")
                                .getBytes()))).build());
        assertOpenAiError(chunked, 413, "request_too_large");
        assertThat(rowsOfTeam(team)).isZero();
    }

    @Test
    void anUpstreamFailureIs502AndTheReservationIsReleased() {
        String team = newTeam("10", "1", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-broken",
                "messages", List.of(Map.of("role", "user", "content", "x"))));

        assertOpenAiError(response, 502, "upstream_error");
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("outcome").asText()).isEqualTo("released");
        assertThat(row.path("reason").asText()).isEqualTo("upstream_http_500");
        assertThat(row.path("cost").asText()).isEqualTo("0");
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", user);
            // the balance written by the release itself, not the one from before the reservation
            assertThat(budget.path("updated_at").asText()).isEqualTo(row.path("finished_at").asText());
            assertThat(budget.path("reserved").asText()).isEqualTo("0");
            assertThat(budget.path("spent").asText()).isEqualTo("0");
        });
    }

    @Test
    void anUnreachableUpstreamIs502AndAnUpstreamRateLimitIs429WithItsRetryAfter() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());

        Http.Response unreachable = http().post("/v1/chat/completions", key, Map.of("model", "gpt-unreachable",
                "messages", List.of(Map.of("role", "user", "content", "x"))));
        assertOpenAiError(unreachable, 502, "upstream_unreachable");
        assertThat(messageCost(unreachable.header("x-request-id")).path("outcome").asText()).isEqualTo("released");

        Http.Response limited = http().post("/v1/chat/completions", key, Map.of("model", "gpt-limited",
                "messages", List.of(Map.of("role", "user", "content", "x"))));
        assertOpenAiError(limited, 429, "upstream_rate_limited");
        assertThat(limited.header("retry-after")).isEqualTo("7");
        assertThat(messageCost(limited.header("x-request-id")).path("reason").asText()).isEqualTo("upstream_http_429");
    }

    @Test
    void anUpstreamRefusalOfTheClientsRequestComesBackAsTheUpstreamSaidIt() {
        String team = newTeam(null, null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());

        Http.Response picky = http().post("/v1/chat/completions", key, Map.of("model", "gpt-picky",
                "messages", List.of(Map.of("role", "user", "content", "x"))));

        assertOpenAiError(picky, 400, "invalid_value");
        assertThat(picky.json().path("error").path("param").asText()).isEqualTo("temperature");
        assertThat(messageCost(picky.header("x-request-id")).path("outcome").asText()).isEqualTo("released");
    }

    @Test
    void aUserWhoseBudgetIsSpentGets429InsufficientQuotaAndTheSdkDoesNotRetry() {
        String team = newTeam("100", "100", "reject");
        String user = newUser(team, "0.001"); // own budget: less than one worst case of gpt-test
        OpenAIClient client = openAi(newUserKey(user, List.of()));
        int upstreamCallsBefore = upstream().requests().size();

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-test").addUserMessage("Hello").maxCompletionTokens(1000).build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.code()).hasValue("insufficient_quota");
                    assertThat(e.type()).hasValue("insufficient_quota");
                    assertThat(e.headers().values("X-Should-Retry")).containsExactly("false");
                    assertThat(e.getMessage()).contains("user '" + user + "'").contains("resets at");
                });

        await().untilAsserted(() -> assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.TEAM_ID.eq(team)
                .and(MESSAGE_COSTS.OUTCOME.eq("rejected")))).isEqualTo(1));
        assertThat(upstream().requests()).as("nothing went upstream").hasSize(upstreamCallsBefore);
        // and the SDK did not try again: still exactly one rejection a moment later
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() ->
                dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.TEAM_ID.eq(team)) == 1);
    }

    @Test
    void theTeamBudgetIsNamedWhenTheTeamIsShort() {
        String team = newTeam("0.00003", "100", "clamp"); // less than prompt + 16 output tokens
        String key = newUserKey(newUser(team, null), List.of());

        Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "messages", List.of(Map.of("role", "user", "content", "x"))));

        assertOpenAiError(response, 429, "insufficient_quota");
        assertThat(response.header("x-tollgate-budget")).isEqualTo("team");
        assertThat(response.json().path("error").path("message").asText())
                .contains("team '" + team + "'").contains("resets at");
        assertThat(response.header("x-tollgate-budget-resets-at")).isNotBlank();
    }

    @Test
    void whenTheWorstCaseDoesNotFitButThePromptDoesMaxTokensIsLoweredInsteadOfA429() {
        String team = newTeam("100", "0.001", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());

        Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "max_tokens", 1000, "messages", List.of(Map.of("role", "user", "content", "clamp me " + user))));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        long granted = Long.parseLong(response.header("x-tollgate-max-tokens"));
        assertThat(granted).isLessThan(1000).isGreaterThanOrEqualTo(16);
        JsonNode forwarded = upstream().lastRequestFor("clamp me " + user);
        assertThat(forwarded.path("max_tokens").asLong()).isEqualTo(granted);
        JsonNode row = messageCost(response.header("x-request-id"));
        assertThat(row.path("clamped").asBoolean()).isTrue();
        assertThat(row.path("granted_max_tokens").asLong()).isEqualTo(granted);
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", user);
            assertThat(budget.path("reserved").asText()).isEqualTo("0");
            assertThat(new java.math.BigDecimal(budget.path("spent").asText()))
                    .isPositive().isLessThanOrEqualTo(new java.math.BigDecimal("0.001"));
        });
    }

    @Test
    void aTeamKeyChargesTheUserNamedInTheRequestAndRegistersNewcomers() {
        String team = newTeam("100", "5", "clamp");
        String key = newTeamKey(team);
        OpenAIClient client = openAi(key);

        Http.Response response = http().post("/v1/chat/completions", key, Map.of("model", "gpt-test",
                "user", "bob@uni.example", "messages", List.of(Map.of("role", "user", "content", "x"))));
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-test")
                .addUserMessage("again").user("bob@uni.example").build());

        assertThat(response.status()).isEqualTo(200);
        JsonNode row = messageCost(response.header("x-request-id"));
        String bob = team + ":bob@uni.example";
        assertThat(row.path("user_id").asText()).isEqualTo(bob);
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("users", bob);
            assertThat(budget.path("limit").asText()).as("the team's member budget").isEqualTo("5");
            assertThat(budget.path("follows_team_default").asBoolean()).isTrue();
        });
        await().untilAsserted(() -> {
            JsonNode user = http().get("/admin/users/" + bob, MASTER_KEY).json();
            assertThat(user.path("auto_registered").asBoolean()).isTrue();
            assertThat(user.path("external_id").asText()).isEqualTo("bob@uni.example");
        });
    }
}
