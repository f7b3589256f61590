package dev.tollgate.query.audit;

import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.QueryParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Map;

import static dev.tollgate.readmodel.Tables.AUDIT_LOG;

@RestController
@Tag(name = "Audit", description = "Every change of budget, boost, key, price, membership and role")
public class AuditController {

    private final AuditQueries queries;

    public AuditController(AuditQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/audit")
    @Operation(summary = "The audit trail, newest first",
            description = "Filter by time [from, to), actor (a credential id, master, gateway, system), entity "
                    + "(team:cs101, user:alice, key:key_..., boost:..., credential:..., price_book:v3) and action. "
                    + "Managers see their teams' entries only.")
    public Mono<Map<String, Object>> audit(@RequestParam(required = false) String from,
                                           @RequestParam(required = false) String to,
                                           @RequestParam(required = false) String actor,
                                           @RequestParam(required = false) String entity,
                                           @RequestParam(required = false) String action,
                                           @RequestParam(required = false) String cursor,
                                           @RequestParam(required = false) String limit,
                                           ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> queries.entries(QueryParams.instant("from", from), QueryParams.instant("to", to),
                actor, entity, action, AuditQueries.cursor(cursor), QueryParams.limit(limit, 100, 1000),
                scope.teamCondition(AUDIT_LOG.TEAM_ID)));
    }
}
