package dev.tollgate.edge.admin;

import dev.tollgate.edge.deadletter.DeadLetters;
import dev.tollgate.edge.input.InputText;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events that projections could not apply, the cohort boost distributor could not distribute or the move process could
 * not carry on: listed, retried once the cause is fixed, or discarded when it cannot be. Admins only.
 */
@RestController
@Tag(name = "Admin: operations")
public class DeadLetterAdminController {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterAdminController.class);
    /** A discard's reason is logged cut to this many characters. */
    static final int LOGGED_REASON_LIMIT = 200;

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

    @PostMapping("/admin/dead-letters/{processingGroup}/discard")
    @Operation(summary = "Drop a processing group's dead letters for good; its read tables miss them until a replay")
    public Mono<DeadLetters.Discarded> discard(@PathVariable String processingGroup,
                                               @RequestBody(required = false) AdminRequests.ReasonBody body,
                                               ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "discard dead letters");
        String reason = body == null ? null : body.reason();
        AdminSupport.requireReason(reason, "discard of dead letters");
        return Blocking.query(() -> {
            DeadLetters.Discarded discarded = deadLetters.discard(processingGroup);
            // no aggregate records this: the log is its trail (one line: control characters become spaces)
            String logged = InputText.oneLine(reason, LOGGED_REASON_LIMIT);
            log.warn("{} discarded {} dead-lettered events ({} sequences) of processing group {}: {}",
                    principal.id(), discarded.eventsDiscarded(), discarded.sequencesDiscarded(), processingGroup,
                    reason.length() <= LOGGED_REASON_LIMIT ? logged : logged + "…");
            return discarded;
        });
    }
}
