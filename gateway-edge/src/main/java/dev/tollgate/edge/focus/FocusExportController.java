package dev.tollgate.edge.focus;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.focus.FocusExport;
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
        QueryParams.Period period = QueryParams.period(from, to);
        Instant start = period.start();
        Instant end = period.end();
        return Blocking.query(() -> Csv.of(FocusExport.COLUMNS,
                        export.rows(start, end, scope.everything() ? null : scope.teams(), account))
                .download("focus-" + QueryParams.day(start) + "-" + QueryParams.day(end) + ".csv"));
    }
}
