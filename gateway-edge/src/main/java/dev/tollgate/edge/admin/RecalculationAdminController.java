package dev.tollgate.edge.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.recalculation.RecalculationApproval;
import dev.tollgate.edge.recalculation.Recalculations;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.recalculation.RecalculationQueries;
import dev.tollgate.query.recalculation.RecalculationView;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Instant;

/**
 * Re-costing after a price correction: start a recalculation (admins), then approve its diff (admins). Publishing
 * a price version whose effective_from lies in the past starts one by itself.
 */
@RestController
@Tag(name = "Admin: recalculations", description = "Re-costing after a price correction: progress, diff, lines")
public class RecalculationAdminController {

    private final Recalculations recalculations;
    private final RecalculationApproval approval;
    private final RecalculationQueries queries;

    public RecalculationAdminController(Recalculations recalculations, RecalculationApproval approval,
                                        RecalculationQueries queries) {
        this.recalculations = recalculations;
        this.approval = approval;
        this.queries = queries;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StartBody(
            @Schema(description = "ISO instant: re-cost requests that started at or after it",
                    requiredMode = Schema.RequiredMode.REQUIRED) Instant from,
            @Schema(description = "ISO instant, exclusive; now when absent") Instant to,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ApproveBody(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }

    @PostMapping("/admin/recalculations")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Re-cost the requests of a past range with the price book as it stands; nothing is charged "
            + "until the diff is approved")
    public Mono<RecalculationView> start(@RequestBody StartBody body, ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "start a recalculation");
        AdminSupport.requireReason(body.reason(), "recalculation");
        if (body.from() == null) {
            throw ApiError.invalidRequest("'from' is the instant from which requests are re-costed.", "from");
        }
        return Blocking.query(() -> recalculations.start(body.from(), body.to(), body.reason(), principal.id()))
                .flatMap(this::view);
    }

    @PostMapping("/admin/recalculations/{id}/approve")
    @Operation(summary = "Approve a ready recalculation: each changed request gets a CostAdjusted event; budgets "
            + "and reports follow")
    public Mono<RecalculationView> approve(@PathVariable String id, @RequestBody ApproveBody body,
                                           ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "approve a recalculation");
        AdminSupport.requireReason(body.reason(), "approval");
        return Blocking.query(() -> {
            queries.find(id).orElseThrow(() -> ApiError.notFound("No recalculation '" + id + "'."));
            approval.approve(id, principal.id(), body.reason());
            return id;
        }).flatMap(ignored -> ReadModelWait.until(() -> queries.find(id)
                .filter(view -> !view.status().equals("ready"))));
    }

    private Mono<RecalculationView> view(String id) {
        return ReadModelWait.until(() -> queries.find(id));
    }
}
