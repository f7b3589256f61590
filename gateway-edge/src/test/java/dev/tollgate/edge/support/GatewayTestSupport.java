package dev.tollgate.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.tollgate.edge.TollgateApplication;
import org.jooq.DSLContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole application on a random port, with its embedded PostgreSQL (in a fresh folder) and the fake upstream
 * on another loopback port. Test classes share one running application; each makes its own teams and keys.
 */
@SpringBootTest(classes = TollgateApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class GatewayTestSupport {

    public static final String MASTER_KEY = "test-master-key-0123456789";

    @LocalServerPort
    protected int port;

    @Autowired
    protected DSLContext dsl;

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("test.upstream.url", () -> FakeUpstream.shared().baseUrl());
        registry.add("test.providers.url", () -> FakeProviders.shared().baseUrl());
        // Every span of the shared application goes to the in-process OTLP receiver (telemetry.TracingTest).
        registry.add("tollgate.telemetry.otlp.endpoint", () -> OtlpReceiver.shared().baseUrl());
        // Sign-in with a real OpenID Connect provider on loopback (the rules are in application-test.yaml)
        registry.add("tollgate.sso.issuer", () -> IdentityProvider.shared().issuer());
    }

    protected FakeUpstream upstream() {
        return FakeUpstream.shared();
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    protected Http http() {
        return new Http(baseUrl());
    }

    protected OpenAIClient openAi(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(key).timeout(Duration.ofSeconds(30))
                .build();
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A budget body; {@code limit == null} asks for an unlimited budget. */
    protected static Map<String, Object> budget(String limit, String period) {
        Map<String, Object> budget = new HashMap<>();
        if (limit == null) {
            budget.put("unlimited", true);
        } else {
            budget.put("limit", limit);
        }
        budget.put("period", period);
        return budget;
    }

    /** A new team; {@code teamLimit}/{@code memberLimit} {@code null} = unlimited. */
    protected String newTeam(String teamLimit, String memberLimit, String policy) {
        String id = unique("team");
        Http.Response created = http().post("/admin/teams", MASTER_KEY, Map.of("id", id, "name", "Team " + id,
                "budget", budget(teamLimit, "monthly"), "member_budget", budget(memberLimit, "monthly"),
                "over_budget_policy", policy));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return id;
    }

    protected String newUser(String teamId, String ownLimit) {
        String id = unique("user");
        Map<String, Object> body = new HashMap<>(Map.of("id", id, "team_id", teamId, "name", "User " + id));
        if (ownLimit != null) {
            body.put("budget", budget(ownLimit, "monthly"));
        }
        Http.Response created = http().post("/admin/users", MASTER_KEY, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return id;
    }

    /** Issues a key and returns its secret. */
    protected String newUserKey(String userId, List<String> models) {
        return issue(Map.of("name", "key of " + userId, "user_id", userId, "allowed_models", models)).path("key").asText();
    }

    protected String newTeamKey(String teamId) {
        return issue(Map.of("name", "team key", "team_id", teamId)).path("key").asText();
    }

    protected JsonNode issue(Map<String, Object> body) {
        Http.Response issued = http().post("/admin/keys", MASTER_KEY, body);
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        return issued.json();
    }

    /** A credential: its id (the actor in the audit trail) and its secret. */
    protected record Credential(String id, String secret) {
    }

    protected Credential newCredential(String role, List<String> teams, String cap) {
        Map<String, Object> body = new HashMap<>(Map.of("name", role + " for a test", "role", role, "reason", "test"));
        if (teams != null) {
            body.put("teams", teams);
        }
        if (cap != null) {
            body.put("budget_cap", cap);
        }
        Http.Response issued = http().post("/admin/credentials", MASTER_KEY, body);
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        return new Credential(issued.json().path("credential").path("id").asText(),
                issued.json().path("secret").asText());
    }

    protected Http.Response chat(String key, String model, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("model", model,
                "messages", List.of(Map.of("role", "user", "content", "hello " + unique("m")))));
        body.putAll(extra);
        return http().post("/v1/chat/completions", key, body);
    }

    protected JsonNode budgetOf(String kind, String id) {
        Http.Response response = http().get("/budgets/" + kind + "/" + id, MASTER_KEY);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /**
     * Sends a streamed chat request, reads its events until {@code enough} holds for a line, then leaves (closes the
     * connection) as a client that has what it needs does; the request's id.
     */
    protected String leaveStream(String key, String body, Predicate<String> enough) throws Exception {
        HttpRequest request = http().request("/v1/chat/completions", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<InputStream> response = Http.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = events.readLine();
                assertThat(line).as("the stream ended before the client meant to leave").isNotNull();
            } while (!enough.test(line));
        }
        return requestId;
    }

    protected JsonNode messageCost(String requestId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Http.Response response = http().get("/spend/messages/" + requestId, MASTER_KEY);
            return response.status() == 200 && !response.json().path("outcome").asText().equals("reserved");
        });
        return http().get("/spend/messages/" + requestId, MASTER_KEY).json();
    }
}
