package dev.tollgate.query.recalculation;

import dev.tollgate.query.access.ForbiddenRead;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.support.BadQuery;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.Csv;
import dev.tollgate.query.support.NotFound;
import dev.tollgate.query.support.QueryParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@RestController
@Tag(name = "Admin: recalculations", description = "Re-costing after a price correction: progress, diff, lines")
public class RecalculationController {

    private final RecalculationQueries queries;

    public RecalculationController(RecalculationQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/admin/recalculations")
    @Operation(summary = "Recalculations, newest first (admins and finance)")
    public Mono<Map<String, Object>> list(@RequestParam(required = false) String limit, ServerWebExchange exchange) {
        requireOrganisationWide(exchange);
        int max = QueryParams.limit(limit, 50, 500);
        return Blocking.query(() -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "list");
            body.put("data", queries.list(max));
            return body;
        });
    }

    @GetMapping("/admin/recalculations/{id}")
    @Operation(summary = "A recalculation: progress while it runs, then its diff summary per team")
    public Mono<RecalculationView> get(@PathVariable String id, ServerWebExchange exchange) {
        requireOrganisationWide(exchange);
        return Blocking.query(() -> queries.find(id)
                .orElseThrow(() -> new NotFound("No recalculation '" + id + "'.")));
    }

    @GetMapping("/admin/recalculations/{id}/lines")
    @Operation(summary = "The diff, one line per request whose cost changes: old cost, new cost, difference "
            + "(JSON or CSV; CSV has every line unless limit is given)")
    public Mono<ResponseEntity<?>> lines(@PathVariable String id,
                                         @RequestParam(name = "team_id", required = false) String teamId,
                                         @RequestParam(required = false) String limit,
                                         @RequestParam(required = false) String offset,
                                         @RequestParam(required = false) String format,
                                         ServerWebExchange exchange) {
        requireOrganisationWide(exchange);
        boolean csv = "csv".equals(format);
        if (format != null && !csv && !format.equals("json")) {
            throw new BadQuery("format must be json or csv");
        }
        int max = csv && limit == null ? Integer.MAX_VALUE : QueryParams.limit(limit, 100, 10_000);
        Long from = QueryParams.wholeNumber("offset", offset);
        long skip = from == null ? 0 : Math.max(0, from);
        return Blocking.query(() -> {
            queries.find(id).orElseThrow(() -> new NotFound("No recalculation '" + id + "'."));
            List<Map<String, Object>> lines = queries.lines(id, teamId, max, skip);
            if (csv) {
                return (ResponseEntity<?>) Csv.of(RecalculationQueries.LINE_COLUMNS, lines)
                        .download(id + "-lines.csv");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "list");
            body.put("data", lines);
            return ResponseEntity.ok(body);
        });
    }

    /** Recalculations span every team: admins and finance read them, managers do not. */
    private static void requireOrganisationWide(ServerWebExchange exchange) {
        if (!ReadScope.of(exchange).everything()) {
            throw new ForbiddenRead("Recalculations span every team: admins and finance read them.");
        }
    }
}
