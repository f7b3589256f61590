package dev.tollgate.query.report;

import dev.tollgate.query.support.Amounts;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Spend reports, team statements and the ledger's reconciliation, read with plain SQL. */
@Component
public class ReportQueries {

    /** The sums of a report row, in the order of CSV columns ({@code overrun} is part of {@code cost}). */
    static final List<String> SUMS = List.of("requests", "prompt_tokens", "completion_tokens", "cost", "adjustments",
            "net_cost", "overrun");

    private final DSLContext dsl;

    public ReportQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** One row per group: its dimension values (as named in {@code group_by}), then the sums. */
    public SpendReport spend(SpendReportQuery query) {
        SpendReportQuery.Sql sql = query.sql();
        List<Map<String, Object>> rows = new ArrayList<>();
        Totals totals = new Totals();
        for (Record record : dsl.resultQuery(sql.text(), sql.binds().toArray()).fetch()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (String group : query.groupBy()) {
                String column = column(group);
                String value = record.get(column, String.class);
                row.put(column, value == null || value.isEmpty() ? null : value);
            }
            totals.add(record);
            Totals.put(row, record);
            rows.add(row);
        }
        return new SpendReport(query.from(), query.to(), query.groupBy().stream().map(ReportQueries::column).toList(),
                sql.source().name().toLowerCase(), rows, totals.asMap());
    }

    /** The column a group is reported in: team → team_id, tag:course → tag. */
    static String column(String group) {
        return switch (group) {
            case "team" -> "team_id";
            case "user" -> "user_id";
            default -> SpendReportQuery.isTag(group) ? "tag" : group;
        };
    }

    public record SpendReport(Instant from, Instant to, List<String> groupBy, String source,
                              List<Map<String, Object>> data, Map<String, Object> totals) {
    }

    /** Exact sums of report rows. */
    static final class Totals {
        long requests;
        long promptTokens;
        long completionTokens;
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal adjustments = BigDecimal.ZERO;
        BigDecimal overrun = BigDecimal.ZERO;

        void add(Record record) {
            requests += count(record, "requests");
            promptTokens += count(record, "prompt_tokens");
            completionTokens += count(record, "completion_tokens");
            cost = cost.add(amount(record, "cost"));
            adjustments = adjustments.add(amount(record, "adjustments"));
            overrun = overrun.add(amount(record, "overrun"));
        }

        /** A sum of a report row: zero when nothing was summed (an ungrouped report of no requests). */
        static long count(Record record, String column) {
            Long value = record.get(column, Long.class);
            return value == null ? 0 : value;
        }

        static BigDecimal amount(Record record, String column) {
            BigDecimal value = record.get(column, BigDecimal.class);
            return value == null ? BigDecimal.ZERO : value;
        }

        static void put(Map<String, Object> row, Record record) {
            BigDecimal cost = amount(record, "cost");
            BigDecimal adjustments = amount(record, "adjustments");
            row.put("requests", count(record, "requests"));
            row.put("prompt_tokens", count(record, "prompt_tokens"));
            row.put("completion_tokens", count(record, "completion_tokens"));
            row.put("cost", Amounts.format(cost));
            row.put("adjustments", Amounts.format(adjustments));
            row.put("net_cost", Amounts.format(cost.add(adjustments)));
            row.put("overrun", Amounts.format(amount(record, "overrun")));
        }

        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("requests", requests);
            map.put("prompt_tokens", promptTokens);
            map.put("completion_tokens", completionTokens);
            map.put("cost", Amounts.format(cost));
            map.put("adjustments", Amounts.format(adjustments));
            map.put("net_cost", Amounts.format(cost.add(adjustments)));
            map.put("overrun", Amounts.format(overrun));
            return map;
        }
    }

    /** Whether the team is known to the read model (a report filtered on an unknown team is a 404, not empty). */
    public boolean teamExists(String teamId) {
        return dsl.fetchExists(dsl.selectOne().from(DSL.table("teams")).where(DSL.field("team_id").eq(teamId)));
    }

    // ------------------------------------------------------------------ statements

    public record Statement(String teamId, String teamName, String month, Instant periodFrom, Instant periodTo,
                            String budgetLimit, String budgetPeriod, Map<String, Object> totals,
                            List<Map<String, Object>> users, List<Map<String, Object>> models,
                            List<Map<String, Object>> boosts, List<Map<String, Object>> adjustments,
                            List<Map<String, Object>> topUps) {
    }

    /**
     * A team's month, for filing: totals, a line per user and per model, boosts in force, approved corrections, and
     * the top-ups of lifetime allowances made in the month.
     */
    public java.util.Optional<Statement> statement(String teamId, YearMonth month) {
        Record team = dsl.resultQuery("SELECT name, budget_limit, budget_period FROM teams WHERE team_id = ?", teamId)
                .fetchOne();
        if (team == null) {
            return java.util.Optional.empty();
        }
        Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        SpendReport byUser = spend(new SpendReportQuery(from, to, List.of("user"), teamId, null, null, null, null,
                null));
        SpendReport byModel = spend(new SpendReportQuery(from, to, List.of("model", "provider"), teamId, null, null,
                null, null, null));
        List<Map<String, Object>> boosts = new ArrayList<>();
        for (Record boost : dsl.resultQuery("SELECT boost_id, NULLIF(user_id, '') AS user_id, cohort_id, amount, "
                + "starts_at, ends_at, reason, granted_by, ended_at, end_kind FROM boosts WHERE team_id = ? "
                + "AND starts_at < ?::timestamptz AND ends_at > ?::timestamptz AND (ended_at IS NULL OR ended_at > ?::timestamptz) "
                + "ORDER BY starts_at, boost_id, user_id", teamId, odt(to), odt(from), odt(from)).fetch()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("boost_id", boost.get("boost_id", String.class));
            row.put("user_id", boost.get("user_id", String.class));
            row.put("cohort_id", boost.get("cohort_id", String.class));
            row.put("amount", Amounts.format(boost.get("amount", BigDecimal.class)));
            row.put("starts_at", boost.get("starts_at", OffsetDateTime.class).toInstant());
            row.put("ends_at", boost.get("ends_at", OffsetDateTime.class).toInstant());
            row.put("reason", boost.get("reason", String.class));
            row.put("granted_by", boost.get("granted_by", String.class));
            OffsetDateTime ended = boost.get("ended_at", OffsetDateTime.class);
            row.put("ended_at", ended == null ? null : ended.toInstant());
            row.put("end_kind", boost.get("end_kind", String.class));
            boosts.add(row);
        }
        List<Map<String, Object>> adjustments = new ArrayList<>();
        for (Record adjustment : dsl.resultQuery("SELECT r.recalculation_id, r.reason, r.approved_by, r.approved_at, "
                + "count(*) AS requests, sum(l.old_cost) AS old_cost, sum(l.new_cost) AS new_cost "
                + "FROM recalculation_lines l JOIN recalculations r USING (recalculation_id) "
                + "WHERE l.team_id = ? AND l.started_at >= ?::timestamptz AND l.started_at < ?::timestamptz "
                + "AND r.status IN ('approved', 'applied') "
                + "GROUP BY 1, 2, 3, 4 ORDER BY r.approved_at", teamId, odt(from), odt(to)).fetch()) {
            BigDecimal oldCost = adjustment.get("old_cost", BigDecimal.class);
            BigDecimal newCost = adjustment.get("new_cost", BigDecimal.class);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("recalculation_id", adjustment.get("recalculation_id", String.class));
            row.put("reason", adjustment.get("reason", String.class));
            row.put("approved_by", adjustment.get("approved_by", String.class));
            OffsetDateTime approvedAt = adjustment.get("approved_at", OffsetDateTime.class);
            row.put("approved_at", approvedAt == null ? null : approvedAt.toInstant());
            row.put("requests", adjustment.get("requests", Long.class));
            row.put("old_cost", Amounts.format(oldCost));
            row.put("new_cost", Amounts.format(newCost));
            row.put("difference", Amounts.format(newCost.subtract(oldCost)));
            adjustments.add(row);
        }
        List<Map<String, Object>> topUps = new ArrayList<>();
        for (Record topUp : dsl.resultQuery("SELECT topup_id, NULLIF(user_id, '') AS user_id, amount, limit_after, "
                + "actor, reason, at FROM top_ups WHERE team_id = ? AND at >= ?::timestamptz AND at < ?::timestamptz "
                + "ORDER BY at, topup_id, user_id", teamId, odt(from), odt(to)).fetch()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topup_id", topUp.get("topup_id", String.class));
            row.put("user_id", topUp.get("user_id", String.class));
            row.put("amount", Amounts.format(topUp.get("amount", BigDecimal.class)));
            row.put("limit_after", Amounts.format(topUp.get("limit_after", BigDecimal.class)));
            row.put("actor", topUp.get("actor", String.class));
            row.put("reason", topUp.get("reason", String.class));
            row.put("at", topUp.get("at", OffsetDateTime.class).toInstant());
            topUps.add(row);
        }
        return java.util.Optional.of(new Statement(teamId, team.get("name", String.class), month.toString(), from, to,
                Amounts.format(team.get("budget_limit", BigDecimal.class)), team.get("budget_period", String.class),
                byUser.totals(), byUser.data(), byModel.data(), boosts, adjustments, topUps));
    }

    // ------------------------------------------------------------------ reconciliation

    private static final String SETTLED = "dev.tollgate.api.spend.SpendSettled";
    private static final String EXPIRED = "dev.tollgate.api.spend.ReservationExpired";
    private static final String ADJUSTED = "dev.tollgate.api.spend.CostAdjusted";

    /**
     * Per request in range, what the ledger (the event store: settlements, expiries, corrections) charged and what
     * the read model says; joined so that any difference names its requests.
     */
    private static final String PER_REQUEST = """
            WITH ledger AS (
                SELECT e.aggregateidentifier AS team_id, j.p ->> 'requestId' AS request_id,
                       sum(CASE e.payloadtype WHEN '%1$s' THEN (j.p ->> 'cost')::numeric
                                              WHEN '%2$s' THEN (j.p ->> 'chargedEstimate')::numeric
                                              ELSE (j.p ->> 'difference')::numeric END) AS amount
                FROM domainevententry e
                CROSS JOIN LATERAL (SELECT convert_from(e.payload, 'UTF8')::jsonb AS p) j
                WHERE e.type = 'Team' AND e.payloadtype IN ('%1$s', '%2$s', '%3$s')
                  AND (j.p ->> 'reservedAt')::timestamptz >= ?::timestamptz
                  AND (j.p ->> 'reservedAt')::timestamptz < ?::timestamptz
                GROUP BY 1, 2
            ), read_model AS (
                SELECT team_id, request_id, coalesce(adjusted_cost, cost) AS amount
                FROM message_costs
                WHERE outcome IN ('settled', 'expired') AND started_at >= ?::timestamptz
                  AND started_at < ?::timestamptz
            )
            SELECT coalesce(l.team_id, r.team_id) AS team_id, coalesce(l.request_id, r.request_id) AS request_id,
                   coalesce(l.amount, 0) AS ledger, coalesce(r.amount, 0) AS read_model
            FROM ledger l FULL OUTER JOIN read_model r ON r.request_id = l.request_id
            """.formatted(SETTLED, EXPIRED, ADJUSTED);

    public record Reconciliation(Instant from, Instant to, boolean matches, Map<String, Object> overall,
                                 List<Map<String, Object>> teams, List<Map<String, Object>> differences) {
    }

    public Reconciliation reconcile(Instant from, Instant to, java.util.Set<String> visibleTeams, int limit) {
        // Per-message detail before the retention horizon was dropped into the daily team rollups (docs/privacy.md):
        // the reconciliation per request covers the period whose detail is kept.
        Instant horizon = dsl.resultQuery("SELECT detail_dropped_before FROM retention_horizon WHERE id = 1")
                .fetchOptional(0, Instant.class).orElse(null);
        if (horizon != null && from.isBefore(horizon)) {
            from = to.isBefore(horizon) ? to : horizon;
        }
        String sql = "SELECT team_id, count(*) AS requests, sum(ledger) AS ledger, sum(read_model) AS read_model, "
                + "count(*) FILTER (WHERE ledger <> read_model) AS differing FROM (" + PER_REQUEST + ") x "
                + visibleTeams(visibleTeams) + " GROUP BY team_id ORDER BY team_id";
        List<Object> binds = new ArrayList<>(List.of(odt(from), odt(to), odt(from), odt(to)));
        if (visibleTeams != null && !visibleTeams.isEmpty()) {
            binds.add(visibleTeams.toArray(String[]::new));
        }
        List<Map<String, Object>> teams = new ArrayList<>();
        BigDecimal ledgerTotal = BigDecimal.ZERO;
        BigDecimal readTotal = BigDecimal.ZERO;
        long requests = 0;
        long differing = 0;
        for (Record record : dsl.resultQuery(sql, binds.toArray()).fetch()) {
            BigDecimal ledger = record.get("ledger", BigDecimal.class);
            BigDecimal read = record.get("read_model", BigDecimal.class);
            teams.add(line(record.get("team_id", String.class), record.get("requests", Long.class), ledger, read,
                    record.get("differing", Long.class)));
            ledgerTotal = ledgerTotal.add(ledger);
            readTotal = readTotal.add(read);
            requests += record.get("requests", Long.class);
            differing += record.get("differing", Long.class);
        }
        List<Map<String, Object>> differences = new ArrayList<>();
        String detail = "SELECT team_id, request_id, ledger, read_model FROM (" + PER_REQUEST + ") x "
                + visibleTeams(visibleTeams) + (visibleTeams != null && !visibleTeams.isEmpty() ? " AND" : " WHERE")
                + " ledger <> read_model ORDER BY team_id, request_id LIMIT " + limit;
        if (visibleTeams != null && visibleTeams.isEmpty()) {
            detail = "SELECT NULL::text AS team_id, NULL::text AS request_id, 0::numeric AS ledger, "
                    + "0::numeric AS read_model WHERE FALSE";
            binds = List.of();
        }
        for (Record record : dsl.resultQuery(detail, binds.toArray()).fetch()) {
            Map<String, Object> row = new LinkedHashMap<>();
            BigDecimal ledger = record.get("ledger", BigDecimal.class);
            BigDecimal read = record.get("read_model", BigDecimal.class);
            row.put("team_id", record.get("team_id", String.class));
            row.put("request_id", record.get("request_id", String.class));
            row.put("ledger", Amounts.format(ledger));
            row.put("read_model", Amounts.format(read));
            row.put("difference", Amounts.format(read.subtract(ledger)));
            differences.add(row);
        }
        Map<String, Object> overall = line(null, requests, ledgerTotal, readTotal, differing);
        overall.remove("team_id");
        return new Reconciliation(from, to, differing == 0 && ledgerTotal.compareTo(readTotal) == 0, overall, teams,
                differences);
    }

    private static String visibleTeams(java.util.Set<String> visibleTeams) {
        if (visibleTeams == null) {
            return "";
        }
        return visibleTeams.isEmpty() ? " WHERE FALSE" : " WHERE team_id = ANY (?)";
    }

    private static Map<String, Object> line(String teamId, long requests, BigDecimal ledger, BigDecimal read,
                                            long differing) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("team_id", teamId);
        row.put("requests", requests);
        row.put("ledger", Amounts.format(ledger));
        row.put("read_model", Amounts.format(read));
        row.put("difference", Amounts.format(read.subtract(ledger)));
        row.put("differing_requests", differing);
        return row;
    }

    private static OffsetDateTime odt(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
