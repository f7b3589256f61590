package dev.tollgate.edge.focus;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.focus.FocusExport;
import dev.tollgate.query.support.BadQuery;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.Csv;
import dev.tollgate.query.support.QueryParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The ledger in FinOps FOCUS 1.2 columns, as CSV a FinOps tool reads unchanged (docs/reports.md, "FOCUS export").
 * Finance and admins (security/RouteTable).
 */
@RestController
@Tag(name = "Reports", description = "Spend reports, team statements and the ledger's reconciliation")
public class FocusExportController {

    private final FocusExport export;
    private final FocusExport.Account account;

    public FocusExportController(FocusExport export, TollgateProperties properties) {
        this.export = export;
        TollgateProperties.Reports reports = properties.reports();
        this.account = new FocusExport.Account(reports.currency(), reports.billingAccountId(),
                reports.billingAccountName());
    }

    @GetMapping("/reports/focus")
    @Operation(summary = "The ledger as FinOps FOCUS 1.2 CSV: a Usage row per day × team × user × model × provider "
            + "(× tag set), an Adjustment row beside it for approved price corrections",
            description = "from/to: instants or dates (UTC), [from, to); default: this month so far. Admins and "
                    + "finance.")
    public Mono<ResponseEntity<?>> focus(@RequestParam(required = false) String from,
                                         @RequestParam(required = false) String to,
                                         ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        Instant start = from == null || from.isBlank() ? YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                : instantOrDate("from", from);
        Instant end = to == null || to.isBlank() ? LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                : instantOrDate("to", to);
        if (!start.isBefore(end)) {
            throw new BadQuery("'from' must be before 'to'");
        }
        return Blocking.query(() -> Csv.of(FocusExport.COLUMNS,
                        export.rows(start, end, scope.everything() ? null : scope.teams(), account))
                .download("focus-" + day(start) + "-" + day(end) + ".csv"));
    }

    /** An instant (2026-11-01T00:00:00Z) or a date (2026-11-01, meaning its start in UTC). */
    private static Instant instantOrDate(String name, String value) {
        if (value.length() == 10) {
            try {
                return QueryParams.bounded(name, LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant());
            } catch (DateTimeParseException e) {
                throw new BadQuery("'" + name + "' must be an ISO-8601 instant or date, not '"
                        + QueryParams.shown(value) + "'");
            }
        }
        return QueryParams.instant(name, value);
    }

    private static String day(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
}
