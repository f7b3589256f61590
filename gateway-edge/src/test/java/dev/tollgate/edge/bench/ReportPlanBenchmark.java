package dev.tollgate.edge.bench;

import dev.tollgate.edge.support.RunningGateway;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.tollgate.edge.support.GatewayTestSupport.MASTER_KEY;

/**
 * Benchmark, not a test: the spend rollups of a year of a university's traffic (about 10 million messages: 200
 * teams, 3 models, 30,000 students of whom 10,000 are active on a given day, 5 tag values per team), filled with
 * SQL, then the report queries timed over HTTP and their plans printed (docs/reports.md shows them).
 * <p>
 * Run: {@code mvn -B -pl gateway-edge test -Dtest=ReportPlanBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (or {@code bench/reports.sh}).
 */
class ReportPlanBenchmark {

    static final List<String> REPORTS = List.of(
            "/reports/spend?from=2025-01-01&to=2026-01-01&group_by=team,month",
            "/reports/spend?from=2025-01-01&to=2026-01-01&group_by=model,provider,month",
            "/reports/spend?from=2025-01-01&to=2026-01-01&group_by=day&team_id=team-7",
            "/reports/spend?from=2025-01-01&to=2026-01-01&group_by=user&team_id=team-7",
            "/reports/spend?from=2025-01-01&to=2026-01-01&group_by=month&user_id=student-123",
            "/reports/spend?from=2025-01-01&to=2026-01-01&group_by=tag:course,month",
            "/reports/spend?from=2025-12-01&to=2026-01-01&group_by=user&format=csv");

    @TempDir
    Path dataDir;

    @Test
    void aYearOfRollups() {
        try (RunningGateway gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir,
                "logging.level.root=warn")) {
            DSLContext dsl = gateway.bean(DSLContext.class);
            long started = System.nanoTime();
            dsl.execute("""
                    INSERT INTO spend_daily_team
                    SELECT d::date, 'team-' || t, 'model-' || m, 'openai', 45, 45000, 9000, 0.45, 0
                    FROM generate_series('2025-01-01'::date, '2025-12-31'::date, '1 day') d,
                         generate_series(0, 199) t, generate_series(0, 2) m""");
            dsl.execute("""
                    INSERT INTO spend_daily_user
                    SELECT d::date, 'team-' || (s % 200), 'student-' || s, 'model-' || (s % 3), 'openai', 3, 3000, 600,
                           0.03, 0
                    FROM generate_series('2025-01-01'::date, '2025-12-31'::date, '1 day') d,
                         generate_series(0, 9999) o,
                         LATERAL (SELECT (o * 3 + extract(doy FROM d)::int) % 30000 AS s) x""");
            dsl.execute("""
                    INSERT INTO spend_daily_tag
                    SELECT d::date, 'team-' || t, 'course', 'c' || t || '-' || c, 'model-' || m, 'openai', 9, 9000,
                           1800, 0.09, 0
                    FROM generate_series('2025-01-01'::date, '2025-12-31'::date, '1 day') d,
                         generate_series(0, 199) t, generate_series(0, 4) c, generate_series(0, 2) m""");
            dsl.execute("ANALYZE spend_daily_team; ANALYZE spend_daily_user; ANALYZE spend_daily_tag");
            System.out.printf("%nfilled the rollups in %.1f s: %s%n", (System.nanoTime() - started) / 1e9,
                    dsl.fetch("SELECT (SELECT count(*) FROM spend_daily_team) AS team_rows, "
                            + "(SELECT count(*) FROM spend_daily_user) AS user_rows, "
                            + "(SELECT count(*) FROM spend_daily_tag) AS tag_rows").formatCSV());
            for (String report : REPORTS) {
                gateway.http().get(report, MASTER_KEY); // warm
                long best = Long.MAX_VALUE;
                int rows = 0;
                for (int i = 0; i < 5; i++) {
                    long t = System.nanoTime();
                    var response = gateway.http().get(report, MASTER_KEY);
                    best = Math.min(best, System.nanoTime() - t);
                    rows = response.body().length();
                }
                System.out.printf("REPORT %6.1f ms  %8d bytes  %s%n", best / 1e6, rows, report);
            }
            for (String sql : List.of(
                    "SELECT r.team_id, to_char(r.day, 'YYYY-MM'), sum(r.cost) FROM spend_daily_team r "
                            + "WHERE r.day >= '2025-01-01' AND r.day < '2026-01-01' GROUP BY 1, 2",
                    "SELECT r.user_id, sum(r.cost) FROM spend_daily_user r WHERE r.day >= '2025-01-01' "
                            + "AND r.day < '2026-01-01' AND r.team_id = 'team-7' GROUP BY 1",
                    "SELECT to_char(r.day, 'YYYY-MM'), sum(r.cost) FROM spend_daily_user r WHERE r.day >= '2025-01-01' "
                            + "AND r.day < '2026-01-01' AND r.user_id = 'student-123' GROUP BY 1")) {
                System.out.println("\nPLAN " + sql);
                for (Record line : dsl.fetch("EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) " + sql)) {
                    System.out.println("  " + line.get(0));
                }
            }
        }
    }
}
