package dev.tollgate.edge.nodes;

import dev.tollgate.edge.support.DebianServices;
import dev.tollgate.edge.support.SlowUpstream;
import dev.tollgate.edge.support.TollgateProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two Tollgate processes (the built jar, two JVMs) on one PostgreSQL server and one Redis server from Debian's
 * packages, both deciding for one hot team whose budget covers exactly {@value #N} requests. One node is killed with
 * SIGKILL mid-load; the other carries on. The budget ends spent exactly, never more; every request that reached the
 * upstream ends exactly once; the nodes really did race for the team (their conflict counters say so).
 */
class TwoNodesIT {

    static final int N = 300;
    static final BigDecimal PER_REQUEST = new BigDecimal("0.0002");
    static final Pattern CONFLICTS = Pattern.compile("(?m)^tollgate_ledger_concurrency_conflicts_total(?:\\{[^}]*})? "
            + "([0-9.E]+)$");

    @TempDir
    Path dir;

    @Test
    void twoProcessesShareOneHotTeamExactlyAndSurviveTheDeathOfOne() throws Exception {
        // skipped where the packages are missing, unless required (CI: .ci/run installs them and requires them)
        assumeTrue(DebianServices.available() || "1".equals(System.getenv("TOLLGATE_REQUIRE_SERVICES")),
                "Debian's postgresql and redis-server packages are not installed");
        BigDecimal budget = PER_REQUEST.multiply(BigDecimal.valueOf(N));
        try (DebianServices services = DebianServices.start();
             SlowUpstream upstream = new SlowUpstream(50)) {
            Path config = Processes.config(dir, upstream);
            Map<String, String> environment = new HashMap<>(Processes.environment(config));
            environment.put("SPRING_DATASOURCE_URL", services.jdbcUrl());
            environment.put("SPRING_DATASOURCE_USERNAME", "postgres");
            environment.put("TOLLGATE_REDIS_URL", services.redisUrl());
            try (TollgateProcess a = TollgateProcess.start("node-a", dir.resolve("a"), environment, List.of());
                 TollgateProcess b = TollgateProcess.start("node-b", dir.resolve("b"), environment, List.of())) {
                String key = Processes.teamWithKey(a.http(), "hot", budget.toPlainString());
                AtomicBoolean bAlive = new AtomicBoolean(true);
                double conflictsOfB;
                Load load;
                try (Load running = new Load(8, "hot", key, Processes.MODEL, 100,
                        n -> n % 2 == 0 && bAlive.get() ? b.baseUrl() : a.baseUrl())) {
                    load = running;
                    // mid-load: about a third of the budget spent, through both nodes
                    await().atMost(Duration.ofSeconds(90)).until(() -> running.count(200) >= N / 3);
                    conflictsOfB = conflicts(b);
                    bAlive.set(false);
                    b.kill9();
                    // node a spends the rest, including what b's open reservations give back when they expire (5 s)
                    await().atMost(Duration.ofSeconds(90)).until(() -> spent(services.jdbcUrl()).compareTo(budget) == 0
                            && LedgerRows.of(services.jdbcUrl(), "hot").stream()
                            .noneMatch(r -> r.outcome().equals("reserved")));
                }
                // the read model follows the ledger: nothing left reserved, and every refusal by the budget (up to
                // the load's last moment) has its row (docs/ledger.md: every request that reaches a budget decision
                // ends in exactly one outcome, with its row)
                List<String> refused = load.answers().stream().filter(x -> x.status() == 429).map(Load.Answer::marker)
                        .toList();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    List<LedgerRows.Row> now = LedgerRows.of(services.jdbcUrl(), "hot");
                    return now.stream().noneMatch(r -> r.outcome().equals("reserved"))
                            && StopAndCrashIT.byMarker(now).keySet().containsAll(refused);
                });
                double conflictsOfA = conflicts(a);
                List<LedgerRows.Row> rows = LedgerRows.of(services.jdbcUrl(), "hot");
                StopAndCrashIT.report("hot", load, upstream, rows);
                System.out.printf("two nodes: concurrency conflicts retried: node a %.0f, node b %.0f (before it was "
                        + "killed); answers by node %s%n", conflictsOfA, conflictsOfB, load.answers().stream()
                        .collect(java.util.stream.Collectors.groupingBy(x -> (x.node().equals(a.baseUrl()) ? "a" : "b")
                                + ":" + x.status(), java.util.stream.Collectors.counting())));

                assertThat(conflictsOfA + conflictsOfB).as("the two nodes raced for the team").isPositive();
                // the budget is spent exactly: N requests charged, none more
                BigDecimal charged = rows.stream().filter(r -> r.outcome().equals("settled")
                        || r.outcome().equals("expired")).map(LedgerRows.Row::cost).reduce(BigDecimal.ZERO,
                        BigDecimal::add);
                assertThat(charged).isEqualByComparingTo(budget);
                assertThat(rows.stream().filter(r -> r.outcome().equals("settled") || r.outcome().equals("expired")))
                        .hasSize(N);
                assertThat(load.answers().stream().filter(x -> x.status() == 200)).hasSizeLessThanOrEqualTo(N);
                // answered, refused (the budget is for N of the requests), or cut by the kill: nothing else
                assertThat(load.answers()).extracting(Load.Answer::status)
                        .as("answers; what the nodes logged:%n%s", problemsLogged(a, b))
                        .contains(200, 429).isSubsetOf(200, 429, -1);
                StopAndCrashIT.assertExactlyOnce(rows, upstream.reached(), "hot");
                for (Load.Answer answer : load.answers()) {
                    LedgerRows.Row row = StopAndCrashIT.byMarker(rows).get(answer.marker());
                    if (answer.status() == 200) {
                        assertThat(row.cost()).isEqualByComparingTo(answer.cost());
                    } else if (answer.status() == 429) {
                        // refused by the budget: recorded as a rejection, never charged (the key has no rate limits)
                        assertThat(answer.error()).contains("insufficient_quota");
                        assertThat(row).as(answer.marker()).isNotNull();
                        assertThat(row.outcome()).as(answer.error()).isEqualTo("rejected");
                        assertThat(row.cost()).isEqualByComparingTo("0");
                    }
                }
                System.out.printf("two nodes: %d refused by the budget, each with its rejected row%n",
                        refused.size());
                StopAndCrashIT.assertReconciled(a, "hot");
                a.terminate(Duration.ofSeconds(60));
            }
        }
    }

    private static double conflicts(TollgateProcess node) {
        String metrics = node.http().get("/actuator/prometheus", Processes.MASTER).body();
        Matcher matcher = CONFLICTS.matcher(metrics);
        assertThat(matcher.find()).as("the conflict counter is exported").isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static BigDecimal spent(String jdbcUrl) throws java.sql.SQLException {
        return LedgerRows.of(jdbcUrl, "hot").stream().filter(r -> !r.outcome().equals("rejected"))
                .map(r -> r.outcome().equals("reserved") ? r.reserved() : r.cost())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The warnings and errors the nodes logged (their first lines), for whoever reads a failure in CI. */
    private static String problemsLogged(TollgateProcess... nodes) throws java.io.IOException {
        StringBuilder problems = new StringBuilder();
        for (TollgateProcess node : nodes) {
            node.logText().lines().filter(line -> line.contains(" ERROR ") || line.contains(" WARN "))
                    .filter(line -> !line.contains("SpringDoc")).limit(20)
                    .forEach(line -> problems.append(line, 0, Math.min(line.length(), 400)).append('\n'));
        }
        return problems.toString();
    }
}
