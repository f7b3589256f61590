package dev.tollgate.edge.ledger;

import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway nodes on one PostgreSQL, without Axon Server: both decide for the same hot team. Each node has its
 * own aggregate cache and lock; the database's unique (team, sequence) key makes the slower one retry on fresh
 * state. The budget still holds exactly.
 */
class TwoNodesTest {

    static final String MASTER = "two-nodes-master-key-0123456789";
    static final int N = 30;

    @TempDir
    Path first;

    @Test
    void twoNodesSpendingFromOneTeamNeverOvershootItsBudget() throws Exception {
        try (RunningGateway a = firstNode(); RunningGateway b = secondNode(a)) {
            String budget = new BigDecimal("0.0002").multiply(BigDecimal.valueOf(N)).toPlainString();
            Http admin = a.http();
            assertThat(admin.post("/admin/teams", MASTER, Map.of("id", "shared", "budget",
                    Map.of("limit", budget, "period", "monthly"))).status()).isEqualTo(201);
            String key = admin.post("/admin/keys", MASTER, Map.of("team_id", "shared")).json().path("key").asText();
            await().until(() -> b.http().get("/admin/keys?team_id=shared", MASTER).json().path("data").size() == 1);

            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 8 * N; i++) {
                Http node = i % 2 == 0 ? a.http() : b.http();
                HttpRequest request = node.request("/v1/chat/completions", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-output-priced\","
                                + "\"max_tokens\":100,\"user\":\"u" + (i % 11) + "\",\"messages\":[{\"role\":"
                                + "\"user\",\"content\":\"two nodes " + i + "\"}]}")).build();
                responses.add(Http.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = responses.stream().map(CompletableFuture::join)
                    .map(HttpResponse::statusCode).toList();

            assertThat(statuses).containsOnly(200, 429);
            assertThat(statuses.stream().filter(s -> s == 200)).hasSize(N);
            DSLContext dsl = a.bean(DSLContext.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> dsl.fetchCount(MESSAGE_COSTS,
                    MESSAGE_COSTS.TEAM_ID.eq("shared")) == 8 * N
                    && dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.OUTCOME.eq("reserved")) == 0);
            BigDecimal spent = dsl.select(org.jooq.impl.DSL.sum(MESSAGE_COSTS.COST)).from(MESSAGE_COSTS)
                    .where(MESSAGE_COSTS.TEAM_ID.eq("shared")).fetchOne(0, BigDecimal.class);
            assertThat(spent).isEqualByComparingTo(budget);
        }
    }

    /**
     * A node that lost a race for a team decides that team's batches under the team's cross-node lock (so that a
     * retry, which reloads the team, cannot lose again to a node on its warm cache); a team no other node appends to
     * never waits for that lock.
     */
    @Test
    void aNodeThatLostARaceForATeamDecidesItsBatchesUnderTheTeamsCrossNodeLock() throws Exception {
        try (RunningGateway a = firstNode(); RunningGateway b = secondNode(a)) {
            String contendedKey = teamWithKey(a, b, "contended");
            String soloKey = teamWithKey(a, b, "solo");
            // a decides for the team, then b does: a's cached team is stale, and a's next batch loses its race
            assertThat(chat(a, contendedKey, 0).statusCode()).isEqualTo(200);
            assertThat(chat(b, contendedKey, 1).statusCode()).isEqualTo(200);
            assertThat(chat(a, contendedKey, 2).statusCode()).isEqualTo(200);
            assertThat(chat(a, soloKey, 3).statusCode()).isEqualTo(200);
            RunningGateway loser = conflicts(a) > 0 ? a : b;
            assertThat(conflicts(loser)).as("a node lost a race for the team").isPositive();

            try (Connection other = DriverManager.getConnection(jdbcUrl(a), "postgres", "")) {
                // another node in the middle of a batch of each team: it holds the teams' locks
                other.setAutoCommit(false);
                for (String team : List.of("contended", "solo")) {
                    try (PreparedStatement lock = other.prepareStatement(
                            "select pg_advisory_xact_lock(?, hashtext(?))")) {
                        lock.setInt(1, CrossNodeTeamLock.NAMESPACE);
                        lock.setString(2, team);
                        lock.execute();
                    }
                }
                // the team only this node spends from goes on regardless
                assertThat(chat(loser, soloKey, 4).statusCode()).isEqualTo(200);
                // the contended team's next batch waits for the lock
                CompletableFuture<HttpResponse<String>> waiting = Http.client().sendAsync(
                        chatRequest(loser, contendedKey, 5), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(20)).until(() -> advisoryLockWaiters(other) == 1);
                assertThat(waiting).isNotDone();
                other.commit();
                assertThat(waiting.get().statusCode()).isEqualTo(200);
            }
        }
    }

    private RunningGateway firstNode() {
        return RunningGateway.start(List.of("test"), "tollgate.data-dir=" + first, "tollgate.master-key=" + MASTER);
    }

    /** A second node on the first one's (embedded) PostgreSQL. */
    private static RunningGateway secondNode(RunningGateway first) {
        return RunningGateway.start(List.of("test"), "spring.datasource.url=" + jdbcUrl(first),
                "spring.datasource.username=postgres", "tollgate.master-key=" + MASTER);
    }

    private static String jdbcUrl(RunningGateway node) {
        return node.bean(EmbeddedPostgres.class).getJdbcUrl("postgres", "postgres");
    }

    private static String teamWithKey(RunningGateway a, RunningGateway b, String team) {
        assertThat(a.http().post("/admin/teams", MASTER, Map.of("id", team, "budget",
                Map.of("limit", "10", "period", "monthly"))).status()).isEqualTo(201);
        String key = a.http().post("/admin/keys", MASTER, Map.of("team_id", team)).json().path("key").asText();
        await().until(() -> b.http().get("/admin/keys?team_id=" + team, MASTER).json().path("data").size() == 1);
        return key;
    }

    private static HttpRequest chatRequest(RunningGateway node, String key, int n) {
        return node.http().request("/v1/chat/completions", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-output-priced\",\"max_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"contended " + n + "\"}]}")).build();
    }

    private static HttpResponse<String> chat(RunningGateway node, String key, int n) throws Exception {
        return Http.client().send(chatRequest(node, key, n), HttpResponse.BodyHandlers.ofString());
    }

    private static double conflicts(RunningGateway node) {
        return node.bean(MeterRegistry.class).counter("tollgate.ledger.concurrency.conflicts").count();
    }

    private static int advisoryLockWaiters(Connection other) throws java.sql.SQLException {
        try (PreparedStatement waiters = other.prepareStatement(
                "select count(*) from pg_locks where locktype = 'advisory' and not granted");
             ResultSet rows = waiters.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
