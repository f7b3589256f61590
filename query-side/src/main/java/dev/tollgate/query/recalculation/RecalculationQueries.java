package dev.tollgate.query.recalculation;

import dev.tollgate.query.support.Amounts;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Recalculations, their progress, their diff lines, and what the replay needs to know about the event store. */
@Component
public class RecalculationQueries {

    public static final List<String> LINE_COLUMNS = List.of("request_id", "team_id", "user_id", "key_id", "model",
            "provider", "started_at", "old_cost", "new_cost", "difference", "price_version");

    private final DSLContext dsl;

    public RecalculationQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    public List<RecalculationView> list(int limit) {
        List<RecalculationView> views = new ArrayList<>();
        for (Record record : dsl.resultQuery(SELECT + " ORDER BY r.requested_at DESC LIMIT " + limit).fetch()) {
            views.add(view(record));
        }
        return views;
    }

    public Optional<RecalculationView> find(String id) {
        Record record = dsl.resultQuery(SELECT + " WHERE r.recalculation_id = ?", id).fetchOne();
        return Optional.ofNullable(record).map(this::view);
    }

    /** The recalculations in a status, oldest first. */
    public List<String> idsWithStatus(String status) {
        return dsl.resultQuery("SELECT recalculation_id FROM recalculations WHERE status = ? ORDER BY requested_at",
                status).fetch(0, String.class);
    }

    private static final String SELECT = "SELECT r.*, p.scanned AS progress_scanned, p.total AS progress_total "
            + "FROM recalculations r LEFT JOIN recalculation_progress p USING (recalculation_id)";

    private RecalculationView view(Record r) {
        String status = r.get("status", String.class);
        String id = r.get("recalculation_id", String.class);
        Long scannedSoFar = r.get("progress_scanned", Long.class);
        Long total = r.get("progress_total", Long.class);
        long processed = status.equals("running") ? (scannedSoFar == null ? 0 : scannedSoFar)
                : nonNull(r.get("scanned", Long.class));
        RecalculationView.Progress progress = new RecalculationView.Progress(processed,
                Math.max(processed, total == null ? 0 : total));
        RecalculationView.Summary summary = null;
        BigDecimal oldTotal = r.get("old_total", BigDecimal.class);
        BigDecimal newTotal = r.get("new_total", BigDecimal.class);
        // none while it runs, after a failure, or when it was superseded before its diff was complete
        if (!status.equals("running") && !status.equals("failed") && oldTotal != null && newTotal != null) {
            summary = new RecalculationView.Summary(nonNull(r.get("scanned", Long.class)),
                    nonNull(r.get("changed", Long.class)), Amounts.format(oldTotal), Amounts.format(newTotal),
                    Amounts.format(newTotal.subtract(oldTotal)), teams(id));
        }
        return new RecalculationView(id, "recalculation", status, instant(r, "range_from"), instant(r, "range_to"),
                r.get("reason", String.class), r.get("requested_by", String.class), instant(r, "requested_at"),
                progress, summary, r.get("error", String.class), r.get("approved_by", String.class),
                instant(r, "approved_at"), r.get("approval_reason", String.class), instant(r, "applied_at"),
                r.get("adjusted", Long.class), r.get("superseded_by", String.class), instant(r, "superseded_at"));
    }

    private List<RecalculationView.TeamDiff> teams(String id) {
        List<RecalculationView.TeamDiff> teams = new ArrayList<>();
        for (Record t : dsl.resultQuery("SELECT team_id, count(*) AS messages, sum(old_cost) AS old_total, "
                + "sum(new_cost) AS new_total FROM recalculation_lines WHERE recalculation_id = ? GROUP BY team_id "
                + "ORDER BY team_id", id).fetch()) {
            BigDecimal oldTotal = t.get("old_total", BigDecimal.class);
            BigDecimal newTotal = t.get("new_total", BigDecimal.class);
            teams.add(new RecalculationView.TeamDiff(t.get("team_id", String.class), t.get("messages", Long.class),
                    Amounts.format(oldTotal), Amounts.format(newTotal), Amounts.format(newTotal.subtract(oldTotal))));
        }
        return teams;
    }

    /** The diff lines, by team then request; amounts as decimal strings. */
    public List<Map<String, Object>> lines(String id, String teamId, int limit, long offset) {
        List<Map<String, Object>> lines = new ArrayList<>();
        String sql = "SELECT * FROM recalculation_lines WHERE recalculation_id = ?"
                + (teamId == null ? "" : " AND team_id = ?") + " ORDER BY team_id, request_id LIMIT ? OFFSET ?";
        Object[] binds = teamId == null ? new Object[]{id, limit, offset} : new Object[]{id, teamId, limit, offset};
        for (Record line : dsl.resultQuery(sql, binds).fetch()) {
            BigDecimal oldCost = line.get("old_cost", BigDecimal.class);
            BigDecimal newCost = line.get("new_cost", BigDecimal.class);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("request_id", line.get("request_id", String.class));
            row.put("team_id", line.get("team_id", String.class));
            row.put("user_id", line.get("user_id", String.class));
            row.put("key_id", line.get("key_id", String.class));
            row.put("model", line.get("model", String.class));
            row.put("provider", line.get("provider", String.class));
            row.put("started_at", instant(line, "started_at"));
            row.put("old_cost", Amounts.format(oldCost));
            row.put("new_cost", Amounts.format(newCost));
            row.put("difference", Amounts.format(newCost.subtract(oldCost)));
            row.put("price_version", line.get("price_version", String.class));
            lines.add(row);
        }
        return lines;
    }

    /** A line as the approval needs it, with its usage and tags as stored (JSON). */
    public record ApprovalLine(String requestId, String teamId, String userId, String keyId, String model,
                               String provider, Instant startedAt, String usageJson, String tagsJson,
                               BigDecimal oldCost, BigDecimal newCost, String priceVersion) {
    }

    /** One team's lines after {@code afterRequestId} (keyset paging), in request order. */
    public List<ApprovalLine> approvalLines(String id, String teamId, String afterRequestId, int limit) {
        List<ApprovalLine> lines = new ArrayList<>();
        for (Record line : dsl.resultQuery("SELECT * FROM recalculation_lines WHERE recalculation_id = ? "
                + "AND team_id = ? AND request_id > ? ORDER BY request_id LIMIT ?", id, teamId, afterRequestId, limit)
                .fetch()) {
            lines.add(new ApprovalLine(line.get("request_id", String.class), teamId, line.get("user_id", String.class),
                    line.get("key_id", String.class), line.get("model", String.class),
                    line.get("provider", String.class), instant(line, "started_at"),
                    line.get("usage", String.class), line.get("tags", String.class),
                    line.get("old_cost", BigDecimal.class), line.get("new_cost", BigDecimal.class),
                    line.get("price_version", String.class)));
        }
        return lines;
    }

    public List<String> lineTeams(String id) {
        return dsl.resultQuery("SELECT DISTINCT team_id FROM recalculation_lines WHERE recalculation_id = ? "
                + "ORDER BY team_id", id).fetch(0, String.class);
    }

    /** How many lines, and their old and new totals. */
    public record LineTotals(long lines, BigDecimal oldTotal, BigDecimal newTotal) {
    }

    public LineTotals lineTotals(String id) {
        Record totals = dsl.resultQuery("SELECT count(*) AS n, coalesce(sum(old_cost), 0) AS old_total, "
                + "coalesce(sum(new_cost), 0) AS new_total FROM recalculation_lines WHERE recalculation_id = ?", id)
                .fetchOne();
        return new LineTotals(totals.get("n", Long.class), totals.get("old_total", BigDecimal.class),
                totals.get("new_total", BigDecimal.class));
    }

    /** The event store's last position, or -1 when it is empty: a replay is done once it has passed it. */
    public long eventStoreHead() {
        Long head = dsl.resultQuery("SELECT max(globalindex) FROM domainevententry").fetchOne(0, Long.class);
        return head == null ? -1 : head;
    }

    /**
     * The committed position of each segment of a processing group, read from the token store: what was
     * processed up to there is committed too (the replay writes its lines in the same transaction as its token).
     * A replay token's position is that of the token it replays with; {@code null} when a segment has none yet.
     */
    public List<Long> committedPositions(String processorName) {
        return dsl.resultQuery("SELECT coalesce(t ->> 'index', t -> 'currentToken' ->> 'index') FROM (SELECT convert_from(token, 'UTF8')::jsonb AS t "
                + "FROM tokenentry WHERE processorname = ?) tokens", processorName).fetch(0, Long.class);
    }

    private static long nonNull(Long value) {
        return value == null ? 0 : value;
    }

    private static Instant instant(Record record, String field) {
        OffsetDateTime value = record.get(field, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
