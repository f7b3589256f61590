package dev.tollgate.edge.routing;

import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import dev.tollgate.edge.support.ScriptedUpstream;
import dev.tollgate.edge.support.ScriptedUpstream.Hit;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway nodes on one PostgreSQL and one (embedded, real) Redis: a key's rate limit and a deployment's rpm are
 * one count for both nodes, exact under concurrent requests spread over them.
 */
class RedisSharedLimitsTest {

    static final String MASTER = "redis-nodes-master-key-0123456789";
    static final List<Hit> LOG = ScriptedUpstream.newLog();
    static final ScriptedUpstream A = new ScriptedUpstream("a", LOG);

    static RedisServer redis;
    static int redisPort;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startRedis() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            redisPort = socket.getLocalPort();
        }
        redis = new RedisServer(redisPort);
        redis.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.stop();
        A.close();
    }

    @Test
    void twoNodesSharingRedisEnforceOneKeysRateLimitAndOneDeploymentsRpmExactly() throws Exception {
        String[] routing = {"test.routing.a=" + A.baseUrl(), "test.routing.b=" + A.baseUrl(),
                "test.routing.c=" + A.baseUrl(), "tollgate.redis.url=redis://127.0.0.1:" + redisPort,
                "tollgate.master-key=" + MASTER};
        try (RunningGateway a = RunningGateway.start(List.of("test", "routing"),
                concat(routing, "tollgate.data-dir=" + dataDir))) {
            String jdbcUrl = a.bean(EmbeddedPostgres.class).getJdbcUrl("postgres", "postgres");
            try (RunningGateway b = RunningGateway.start(List.of("test", "routing"), concat(routing,
                    "spring.datasource.url=" + jdbcUrl, "spring.datasource.username=postgres"))) {
                assertThat(a.bean(UsageStore.class)).isInstanceOf(RedisUsageStore.class);
                Http admin = a.http();
                assertThat(admin.post("/admin/teams", MASTER, Map.of("id", "redis-team", "budget",
                        Map.of("unlimited", true, "period", "monthly"))).status()).isEqualTo(201);
                String limited = admin.post("/admin/keys", MASTER, Map.of("team_id", "redis-team",
                        "requests_per_minute", 10)).json().path("key").asText();
                String unlimited = admin.post("/admin/keys", MASTER, Map.of("team_id", "redis-team"))
                        .json().path("key").asText();
                await().until(() -> b.http().get("/admin/keys?team_id=redis-team", MASTER).json()
                        .path("data").size() == 2);

                // a key of 10 requests a minute: 30 requests at once, half on each node
                List<Integer> statuses = sendAtOnce(a, b, limited, "plain", 30);
                assertThat(statuses).containsOnly(200, 429);
                assertThat(statuses.stream().filter(s -> s == 200)).hasSize(10);

                // a deployment of 5 requests a minute: 12 requests at once, over both nodes
                RoutingTest.awaitEarlyInTheMinute();
                List<Integer> deployment = sendAtOnce(a, b, unlimited, "shared-dep", 12);
                assertThat(deployment.stream().filter(s -> s == 200)).hasSize(5);
                assertThat(deployment.stream().filter(s -> s == 429)).hasSize(7);
                assertThat(LOG.stream().filter(h -> h.model().equals("shared-dep"))).hasSize(5);
            }
        }
    }

    private static List<Integer> sendAtOnce(RunningGateway a, RunningGateway b, String key, String model, int n) {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Http node = i % 2 == 0 ? a.http() : b.http();
            HttpRequest request = node.request("/v1/chat/completions", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":10,"
                            + "\"user\":\"u" + (i % 3) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"shared "
                            + i + "\"}]}")).build();
            responses.add(Http.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        return responses.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
