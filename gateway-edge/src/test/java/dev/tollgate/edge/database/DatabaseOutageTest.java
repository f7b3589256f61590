package dev.tollgate.edge.database;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jooq.DSLContext;
import org.jooq.Record3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops under load and comes back on the same data folder and port. While it is gone, requests are
 * answered 503 in OpenAI's shape with {@code Retry-After} within 2 s and readiness says 503 at once; when it is back
 * the node takes requests again by itself. Afterwards every request has exactly one outcome: every 200 its settlement
 * at the cost it was answered with, no 503 a charge, nothing left reserved, and the ledger equals the read model
 * (docs/operations.md, "When PostgreSQL is down").
 */
class DatabaseOutageTest {

    static final String MASTER = "outage-master-key-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    record Answer(int status, long millis, String requestId, String cost, String retryAfter, String body,
                  boolean duringOutage) {
    }

    @Test
    void requestsFailFastWhilePostgresIsDownAndTheNodeRecoversByItself() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres restarted = null;
        try (RunningGateway node = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + data,
                "tollgate.master-key=" + MASTER, "tollgate.embedded-postgres.port=" + port,
                "tollgate.database.probe-interval=200ms")) {
            Http http = node.http();
            assertThat(http.post("/admin/teams", MASTER, Map.of("id", "outage", "budget",
                    Map.of("limit", "1000", "period", "monthly"))).status()).isEqualTo(201);
            String key = http.post("/admin/keys", MASTER, Map.of("team_id", "outage")).json().path("key").asText();

            AtomicBoolean outage = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            AtomicInteger sequence = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                clients.execute(() -> {
                    while (!stop.get()) {
                        int n = sequence.incrementAndGet();
                        HttpRequest request = http.request("/v1/chat/completions", key)
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-test\",\"max_tokens\":30,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"outage " + n + "\"}]}"))
                                .build();
                        boolean during = outage.get();
                        long started = System.nanoTime();
                        try {
                            HttpResponse<String> response = Http.client().send(request,
                                    HttpResponse.BodyHandlers.ofString());
                            answers.add(new Answer(response.statusCode(), (System.nanoTime() - started) / 1_000_000,
                                    response.headers().firstValue("x-request-id").orElse(null),
                                    response.headers().firstValue("x-tollgate-cost").orElse(null),
                                    response.headers().firstValue("Retry-After").orElse(null), response.body(),
                                    during && outage.get()));
                        } catch (Exception e) {
                            answers.add(new Answer(-1, (System.nanoTime() - started) / 1_000_000, null, null, null,
                                    e.toString(), during));
                        }
                    }
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> count(answers, 200) >= 40);

            // PostgreSQL goes away (a fast shutdown: its connections are cut)
            EmbeddedPostgres original = node.bean(EmbeddedPostgres.class);
            outage.set(true);
            original.close();

            await().atMost(Duration.ofSeconds(5)).until(() -> http.get("/actuator/health/readiness", null)
                    .status() == 503);
            long started = System.nanoTime();
            Http.Response readiness = http.get("/actuator/health/readiness", null);
            long readinessMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(readinessMillis).as("readiness answers at once while the database is down").isLessThan(500);
            int before = count(answers, 503);
            long stopped = System.nanoTime();
            // an outage of a few seconds (the scenario's length, not a wait for something to happen)
            await().atMost(Duration.ofSeconds(20)).until(() -> count(answers, 503) >= before + 30
                    && System.nanoTime() - stopped > Duration.ofSeconds(4).toNanos());

            // PostgreSQL comes back on the same folder and port; nobody touches the gateway
            restarted = EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres"))
                    .setCleanDataDirectory(false).setPort(port).setRegisterShutdownHook(false)
                    .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
                    .setServerConfig("max_connections", "100").start();
            outage.set(false);
            long back = System.nanoTime();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/actuator/health/readiness", null)
                        .status() == 200);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("not ready again: " + http.get("/actuator/health/details", MASTER).body()
                        + "; pending lines " + node.bean(dev.tollgate.edge.ledger.SpendLedger.class).pendingLines());
                dumpThreads();
                throw e;
            }
            long recoveredMillis = (System.nanoTime() - back) / 1_000_000;
            int okBefore = count(answers, 200);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> count(answers, 200) >= okBefore + 40);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                dumpThreads();
                new ArrayList<>(answers).stream().skip(Math.max(0, answers.size() - 20)).forEach(System.out::println);
                throw e;
            }
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            List<Answer> all = new ArrayList<>(answers);
            System.out.printf("database outage: %d answers %s; readiness %d ms while down; ready again %d ms after "
                            + "PostgreSQL returned; slowest 503 %d ms%n", all.size(),
                    all.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting())),
                    readinessMillis, recoveredMillis,
                    all.stream().filter(a -> a.status() == 503).mapToLong(Answer::millis).max().orElse(0));
            assertThat(all).extracting(Answer::status).containsOnly(200, 503);
            for (Answer answer : all) {
                if (answer.status() == 503) {
                    JsonNode error = JSON.readTree(answer.body()).path("error");
                    assertThat(error.path("type").asText()).isEqualTo("api_error");
                    assertThat(error.path("code").asText()).isEqualTo("service_unavailable");
                    assertThat(error.has("message") && error.has("param")).isTrue();
                    assertThat(answer.retryAfter()).isEqualTo("2");
                    assertThat(answer.millis()).as("a 503 within 2 s").isLessThan(2000);
                }
            }

            // every request ends exactly once: nothing left reserved (deferred settlements and releases landed), and
            // the read model has every answered request's row (a segment of the projection may still be catching up)
            DSLContext dsl = node.bean(DSLContext.class);
            List<String> answered = all.stream().filter(a -> a.status() == 200).map(Answer::requestId).toList();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> dsl.fetchCount(MESSAGE_COSTS,
                        MESSAGE_COSTS.TEAM_ID.eq("outage").and(MESSAGE_COSTS.OUTCOME.eq("reserved"))) == 0
                        && node.bean(dev.tollgate.edge.ledger.SpendLedger.class).pendingLines() == 0
                        && dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.REQUEST_ID.in(answered)) == answered.size());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                List<String> recorded = dsl.select(MESSAGE_COSTS.REQUEST_ID).from(MESSAGE_COSTS)
                        .where(MESSAGE_COSTS.REQUEST_ID.in(answered)).fetch(MESSAGE_COSTS.REQUEST_ID);
                for (String requestId : answered) {
                    if (!recorded.contains(requestId)) {
                        // in the store (a read model behind or skipping) or not (the ledger lost it)?
                        System.out.println("answered request without a row " + requestId + ": " + storedEvents(dsl,
                                requestId) + "; tokens " + dsl.resultQuery("select processorname, segment, owner, "
                                + "convert_from(token, 'UTF8') from tokenentry where processorname = "
                                + "'message-costs'").fetch().formatCSV());
                    }
                }
                System.out.printf("left: reserved rows %s, pending lines %d, dead letters %s, health %s%n",
                        dsl.select(MESSAGE_COSTS.REQUEST_ID).from(MESSAGE_COSTS).where(MESSAGE_COSTS.TEAM_ID
                                .eq("outage").and(MESSAGE_COSTS.OUTCOME.eq("reserved"))).fetch(MESSAGE_COSTS.REQUEST_ID),
                        node.bean(dev.tollgate.edge.ledger.SpendLedger.class).pendingLines(),
                        node.bean(dev.tollgate.edge.deadletter.DeadLetters.class).counts(),
                        http.get("/actuator/health/details", MASTER).body());
                List<String> open = dsl.select(MESSAGE_COSTS.REQUEST_ID).from(MESSAGE_COSTS).where(MESSAGE_COSTS
                        .TEAM_ID.eq("outage").and(MESSAGE_COSTS.OUTCOME.eq("reserved"))).fetch(MESSAGE_COSTS.REQUEST_ID);
                answers.stream().filter(a -> open.contains(a.requestId()))
                        .forEach(a -> System.out.println("answer of a request left reserved: " + a));
                for (String requestId : open) {
                    // in the store: did its settlement or release land (a read model behind) or not (the ledger)?
                    System.out.println("stored events of " + requestId + ": " + storedEvents(dsl, requestId));
                }
                throw e;
            }
            assertThat(node.bean(dev.tollgate.edge.deadletter.DeadLetters.class).counts())
                    .as("an outage parks no event: the projections retry by themselves").isEmpty();
            Map<String, Record3<String, String, BigDecimal>> rows = dsl.select(MESSAGE_COSTS.REQUEST_ID,
                            MESSAGE_COSTS.OUTCOME, MESSAGE_COSTS.COST).from(MESSAGE_COSTS)
                    .where(MESSAGE_COSTS.TEAM_ID.eq("outage")).fetchMap(MESSAGE_COSTS.REQUEST_ID);
            for (Answer answer : all) {
                Record3<String, String, BigDecimal> row = answer.requestId() == null ? null
                        : rows.get(answer.requestId());
                if (answer.status() == 200) {
                    assertThat(row).as("the row of %s", answer.requestId()).isNotNull();
                    assertThat(row.value2()).isEqualTo("settled");
                    assertThat(row.value3()).isEqualByComparingTo(answer.cost());
                } else if (row != null) {
                    assertThat(row.value2()).as("a 503 is never charged").isIn("released", "rejected");
                    assertThat(row.value3()).isEqualByComparingTo("0");
                }
            }
            assertThat(rows.values()).extracting(Record3::value2).doesNotContain("expired", "reserved");
            long settled = all.stream().filter(a -> a.status() == 200).count();
            assertThat(rows.values().stream().filter(r -> r.value2().equals("settled"))).hasSize((int) settled);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.get(
                    "/reports/reconciliation?team_id=outage", MASTER).json().path("matches").asBoolean()).isTrue());
        } finally {
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    private static String storedEvents(DSLContext dsl, String requestId) {
        return dsl.resultQuery("select globalindex, sequencenumber, payloadtype, timestamp from domainevententry "
                + "where aggregateidentifier = 'outage' and position(? in encode(payload, 'escape')) > 0 order by "
                + "globalindex", requestId).fetch().formatCSV();
    }

    private static void dumpThreads() {
        for (java.lang.management.ThreadInfo info : java.lang.management.ManagementFactory.getThreadMXBean()
                .dumpAllThreads(true, true)) {
            StringBuilder dump = new StringBuilder("THREAD " + info.getThreadName() + " " + info.getThreadState()
                    + " lock=" + info.getLockName() + " owner=" + info.getLockOwnerName() + "\n");
            for (StackTraceElement frame : info.getStackTrace()) {
                dump.append("    at ").append(frame).append("\n");
            }
            System.out.print(dump);
        }
    }

    private static int count(ConcurrentLinkedQueue<Answer> answers, int status) {
        return (int) answers.stream().filter(a -> a.status() == status).count();
    }
}
