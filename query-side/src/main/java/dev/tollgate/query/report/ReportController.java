package dev.tollgate.query.report;

import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.support.BadQuery;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.Csv;
import dev.tollgate.query.support.NotFound;
import dev.tollgate.query.support.QueryParams;
import dev.tollgate.query.support.TimeBounds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

@RestController
@Tag(name = "Reports", description = "Spend reports, team statements and the ledger's reconciliation")
public class ReportController {

    private final ReportQueries queries;
    private final dev.tollgate.query.budget.BudgetQueries budgets;

    public ReportController(ReportQueries queries, dev.tollgate.query.budget.BudgetQueries budgets) {
        this.queries = queries;
        this.budgets = budgets;
    }

    @GetMapping("/reports/spend")
    @Operation(summary = "Spend grouped by team, user, model, provider, day, month or tag, as JSON or CSV",
            description = "from/to: instants or dates (UTC), [from, to); default: this month so far. group_by: comma "
                    + "list of team, user, model, provider, day, month, tag, tag:<key>. Filters: team_id, user_id, "
                    + "model, provider, tag=key=value. Whole UTC days are read from daily rollups. Managers see their "
                    + "teams only. forecast=true (with group_by team): each team's row carries the forecast of its "
                    + "budget's current period (burn rate, projected run-out, projected period spend).")
    public Mono<ResponseEntity<?>> spend(@RequestParam(required = false) String from,
                                         @RequestParam(required = false) String to,
                                         @RequestParam(name = "group_by", required = false) String groupBy,
                                         @RequestParam(name = "team_id", required = false) String teamId,
                                         @RequestParam(name = "user_id", required = false) String userId,
                                         @RequestParam(required = false) String model,
                                         @RequestParam(required = false) String provider,
                                         @RequestParam(required = false) String tag,
                                         @RequestParam(required = false) String format,
                                         @RequestParam(required = false) String forecast,
                                         ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        boolean csv = csv(format);
        QueryParams.Period period = QueryParams.period(from, to);
        Instant start = period.start();
        Instant end = period.end();
        if (tag != null && (tag.indexOf('=') <= 0)) {
            throw new BadQuery("tag must be key=value, for example tag=course=cs101");
        }
        SpendReportQuery query = new SpendReportQuery(start, end, SpendReportQuery.parseGroupBy(groupBy), teamId,
                userId, model, provider, tag, visibleTeams(scope));
        boolean withForecast = Boolean.TRUE.equals(QueryParams.bool("forecast", forecast));
        if (withForecast && !query.groupBy().contains("team")) {
            throw new BadQuery("forecast=true needs group_by to include team: a forecast is a team budget's");
        }
        return Blocking.query(() -> {
            if (teamId != null && !queries.teamExists(teamId)) {
                throw new NotFound("No team '" + QueryParams.shown(teamId) + "'.");
            }
            ReportQueries.SpendReport report = queries.spend(query);
            if (withForecast) {
                addForecasts(report.data(), csv);
            }
            if (csv) {
                List<String> columns = new ArrayList<>(report.groupBy());
                columns.addAll(ReportQueries.SUMS);
                if (withForecast) {
                    columns.addAll(FORECAST_COLUMNS);
                }
                return (ResponseEntity<?>) Csv.of(columns, report.data()).download("spend-" + QueryParams.day(start) + "-" + QueryParams.day(end) + ".csv");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "report");
            body.put("from", report.from());
            body.put("to", report.to());
            body.put("group_by", report.groupBy());
            body.put("source", report.source());
            body.put("data", report.data());
            body.put("totals", report.totals());
            return ResponseEntity.ok(body);
        });
    }

    private static final List<String> FORECAST_COLUMNS = List.of("forecast_burn_rate", "forecast_run_out",
            "forecast_runs_out_before_period_end", "forecast_period_spend");

    /** Each team's row gets its budget's forecast (nested in JSON, as columns in CSV). */
    private void addForecasts(List<Map<String, Object>> rows, boolean csv) {
        Map<String, dev.tollgate.query.budget.Forecast> forecasts = budgets.teamForecasts(rows.stream()
                .map(row -> row.get("team_id")).filter(java.util.Objects::nonNull).map(Object::toString)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        for (Map<String, Object> row : rows) {
            dev.tollgate.query.budget.Forecast f = row.get("team_id") == null ? null : forecasts.get(row.get("team_id").toString());
            if (csv) {
                row.put("forecast_burn_rate", f == null ? null : f.burnRate());
                row.put("forecast_run_out", f == null || f.projectedRunOut() == null ? null : f.projectedRunOut().toString());
                row.put("forecast_runs_out_before_period_end", f == null ? null : f.runsOutBeforePeriodEnd());
                row.put("forecast_period_spend", f == null ? null : f.projectedPeriodSpend());
            } else {
                row.put("forecast", f);
            }
        }
    }

    @GetMapping("/reports/statements/{teamId}")
    @Operation(summary = "A team's monthly statement: totals, a line per user and per model, boosts in force, "
            + "approved corrections, top-ups of lifetime allowances (JSON or CSV)")
    public Mono<ResponseEntity<?>> statement(@PathVariable String teamId,
                                             @RequestParam(required = false) String month,
                                             @RequestParam(required = false) String format,
                                             ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        scope.requireTeam(teamId, "this team's statement");
        boolean csv = csv(format);
        YearMonth yearMonth;
        try {
            yearMonth = month == null ? YearMonth.now(ZoneOffset.UTC) : YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw new BadQuery("month must look like 2026-11");
        }
        if (!TimeBounds.contains(yearMonth)) {
            throw new BadQuery("month must be between 1970-01 and 9999-12");
        }
        return Blocking.query(() -> {
            ReportQueries.Statement statement = queries.statement(teamId, yearMonth)
                    .orElseThrow(() -> new NotFound("No team '" + teamId + "'."));
            if (csv) {
                List<String> columns = new ArrayList<>(List.of("month", "team_id", "user_id"));
                columns.addAll(ReportQueries.SUMS);
                columns.add("top_up");
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Map<String, Object> user : statement.users()) {
                    Map<String, Object> row = new LinkedHashMap<>(user);
                    row.put("month", statement.month());
                    row.put("team_id", teamId);
                    rows.add(row);
                }
                Map<String, Object> total = new LinkedHashMap<>(statement.totals());
                total.put("month", statement.month());
                total.put("team_id", teamId);
                total.put("user_id", "TOTAL");
                rows.add(total);
                // top-ups are not spend: a line each after the total, the amount in the top_up column
                for (Map<String, Object> topUp : statement.topUps()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("month", statement.month());
                    row.put("team_id", teamId);
                    row.put("user_id", "TOP-UP " + (topUp.get("user_id") == null ? "team" : topUp.get("user_id"))
                            + " " + topUp.get("topup_id"));
                    row.put("top_up", topUp.get("amount"));
                    rows.add(row);
                }
                return (ResponseEntity<?>) Csv.of(columns, rows).download("statement-" + teamId + "-" + statement.month() + ".csv");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "statement");
            body.put("team_id", statement.teamId());
            body.put("team_name", statement.teamName());
            body.put("month", statement.month());
            body.put("from", statement.periodFrom());
            body.put("to", statement.periodTo());
            body.put("budget", Map.of("limit", String.valueOf(statement.budgetLimit()),
                    "period", statement.budgetPeriod()));
            body.put("totals", statement.totals());
            body.put("users", statement.users());
            body.put("models", statement.models());
            body.put("boosts", statement.boosts());
            body.put("adjustments", statement.adjustments());
            body.put("top_ups", statement.topUps());
            return ResponseEntity.ok(body);
        });
    }

    @GetMapping("/reports/reconciliation")
    @Operation(summary = "The ledger's totals (from the event store) against the read model's, per team and overall, "
            + "with the requests that differ")
    public Mono<ResponseEntity<?>> reconciliation(@RequestParam(required = false) String from,
                                                  @RequestParam(required = false) String to,
                                                  @RequestParam(required = false) String limit,
                                                  ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        Instant start = from == null || from.isBlank() ? YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                : QueryParams.instant("from", from);
        Instant end = to == null || to.isBlank() ? Instant.now() : QueryParams.instant("to", to);
        int max = QueryParams.limit(limit, 100, 1000);
        return Blocking.query(() -> {
            ReportQueries.Reconciliation result = queries.reconcile(start, end, visibleTeams(scope), max);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "reconciliation");
            body.put("from", result.from());
            body.put("to", result.to());
            body.put("matches", result.matches());
            body.put("overall", result.overall());
            body.put("teams", result.teams());
            body.put("differences", result.differences());
            return ResponseEntity.ok(body);
        });
    }

    private static Set<String> visibleTeams(ReadScope scope) {
        if (scope.everything()) {
            return null;
        }
        return scope.userId() != null ? Set.of() : scope.teams();
    }

    private static boolean csv(String format) {
        if (format == null || format.equals("json")) {
            return false;
        }
        if (format.equals("csv")) {
            return true;
        }
        throw new BadQuery("format must be json or csv");
    }
}
