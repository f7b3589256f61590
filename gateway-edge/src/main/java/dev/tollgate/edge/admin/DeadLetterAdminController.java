package dev.tollgate.edge.admin;

import dev.tollgate.edge.deadletter.DeadLetters;
import dev.tollgate.edge.security.Access;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

/** Events that projections could not apply: listed, and retried once the cause is fixed. Admins only. */
@RestController
@Tag(name = "Admin: operations")
public class DeadLetterAdminController {

    private final DeadLetters deadLetters;

    public DeadLetterAdminController(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GetMapping("/admin/dead-letters")
    @Operation(summary = "The events each projection could not apply, per processing group and sequence")
    public Mono<Map<String, List<DeadLetters.Sequence>>> list(ServerWebExchange exchange) {
        Access.requireAdmin(exchange, "read dead letters");
        return Blocking.query(() -> Map.of("data", deadLetters.list()));
    }

    @PostMapping("/admin/dead-letters/{processingGroup}/retry")
    @Operation(summary = "Apply a processing group's dead letters again; those that fail again stay parked")
    public Mono<DeadLetters.Retried> retry(@PathVariable String processingGroup, ServerWebExchange exchange) {
        Access.requireAdmin(exchange, "retry dead letters");
        return Blocking.query(() -> deadLetters.retry(processingGroup));
    }
}
