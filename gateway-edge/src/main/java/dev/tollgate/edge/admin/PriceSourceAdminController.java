package dev.tollgate.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.priceproposal.RejectPriceProposal;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.pricesource.PriceSourceException;
import dev.tollgate.edge.pricesource.PriceSources;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.price.PriceProposalQueries;
import dev.tollgate.query.price.PriceProposalView;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.QueryParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Price sources and the proposals they make: listed for staff who read prices, checked, approved and rejected by
 * admins. An approval publishes the proposal's prices as a new version naming the source; the audit trail records who
 * approved or rejected what.
 */
@RestController
@Tag(name = "Admin: prices", description = "The versioned price book")
public class PriceSourceAdminController {

    private final PriceSources sources;
    private final PriceProposalQueries proposals;
    private final CommandGateway commands;
    /** Reads the stored proposal's prices as the projection wrote them (the events' own JSON shape). */
    private static final ObjectMapper PLAIN = new ObjectMapper();

    public PriceSourceAdminController(PriceSources sources, PriceProposalQueries proposals, CommandGateway commands) {
        this.sources = sources;
        this.proposals = proposals;
        this.commands = commands;
    }

    /** A decision's body. */
    public record DecisionBody(String reason) {
    }

    @GetMapping("/admin/prices/sources")
    @Operation(summary = "The configured price sources (tollgate.pricing.sources)")
    public Map<String, Object> sources() {
        List<Map<String, Object>> data = new ArrayList<>();
        for (TollgateProperties.PriceSource source : sources.sources()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", source.id());
            row.put("url", source.url());
            row.put("file", source.file() == null ? null : source.file().toString());
            row.put("format", source.format());
            row.put("check_interval", source.checkInterval().toString());
            row.put("auto_apply", source.autoApply());
            row.put("models", source.models());
            data.add(row);
        }
        return Map.of("object", "list", "data", data);
    }

    @PostMapping("/admin/prices/sources/{sourceId}/check")
    @Operation(summary = "Check a price source now: a difference from the prices in force becomes a pending proposal "
            + "(or a new version, for a source that applies automatically)")
    public Mono<Map<String, Object>> check(@PathVariable String sourceId, ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "check a price source");
        if (sources.source(sourceId).isEmpty()) {
            throw ApiError.notFound("No price source '" + sourceId + "'.");
        }
        return sources.check(sourceId, principal.id())
                .onErrorMap(PriceSourceException.class, e -> new ApiError(HttpStatus.BAD_GATEWAY, "api_error",
                        "price_source_unavailable", null, "Price source '" + sourceId + "': " + e.getMessage()
                        + "."))
                .map(outcome -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("object", "price_source.check");
                    answer.put("source_id", outcome.sourceId());
                    answer.put("status", outcome.status());
                    answer.put("proposal_id", outcome.proposalId());
                    answer.put("changes", outcome.changes().stream().map(change -> {
                        Map<String, String> line = new LinkedHashMap<>();
                        line.put("model", change.model());
                        line.put("field", change.field());
                        line.put("old_value", change.oldValue());
                        line.put("new_value", change.newValue());
                        return line;
                    }).toList());
                    answer.put("price_version", outcome.priceVersion() == null ? null : "v" + outcome.priceVersion());
                    return answer;
                });
    }

    @GetMapping("/admin/prices/proposals")
    @Operation(summary = "Price proposals of the price sources, newest first (?status=pending|approved|rejected, "
            + "?source_id=)")
    public Mono<Map<String, Object>> proposals(@RequestParam(required = false) String status,
                                               @RequestParam(name = "source_id", required = false) String sourceId,
                                               @RequestParam(required = false) String limit) {
        if (status != null && !List.of("pending", "approved", "rejected").contains(status)) {
            throw ApiError.invalidRequest("status is pending, approved or rejected.", "status");
        }
        int max = QueryParams.limit(limit, 100, 1000);
        return Blocking.query(() -> Map.of("object", "list", "data", proposals.proposals(status, sourceId, max)));
    }

    @GetMapping("/admin/prices/proposals/{proposalId}")
    @Operation(summary = "A price proposal: its diff (model, field, old, new), its prices and its decision")
    public Mono<PriceProposalView> proposal(@PathVariable String proposalId) {
        return Blocking.query(() -> proposals.proposal(proposalId)
                .orElseThrow(() -> ApiError.notFound("No price proposal '" + proposalId + "'.")));
    }

    @PostMapping("/admin/prices/proposals/{proposalId}/approve")
    @Operation(summary = "Approve a pending proposal: its prices are published as a new version naming the source")
    public Mono<PriceProposalView> approve(@PathVariable String proposalId, @RequestBody DecisionBody body,
                                           ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "approve a price proposal");
        AdminSupport.requireReason(body == null ? null : body.reason(), "price proposal approval");
        return pending(proposalId).flatMap(proposal -> sources.approve(proposalId, proposal.sourceId(),
                        prices(proposal.prices()), principal.id(), body.reason()))
                .then(ReadModelWait.until(() -> proposals.proposal(proposalId)
                        .filter(p -> p.status().equals("approved"))));
    }

    @PostMapping("/admin/prices/proposals/{proposalId}/reject")
    @Operation(summary = "Reject a pending proposal: its prices never come into force")
    public Mono<PriceProposalView> reject(@PathVariable String proposalId, @RequestBody DecisionBody body,
                                          ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "reject a price proposal");
        AdminSupport.requireReason(body == null ? null : body.reason(), "price proposal rejection");
        return pending(proposalId)
                .flatMap(proposal -> AdminSupport.send(commands, new RejectPriceProposal(proposalId, principal.id(),
                        body.reason())))
                .then(ReadModelWait.until(() -> proposals.proposal(proposalId)
                        .filter(p -> p.status().equals("rejected"))));
    }

    private Mono<PriceProposalView> pending(String proposalId) {
        return Blocking.query(() -> {
            PriceProposalView proposal = proposals.proposal(proposalId)
                    .orElseThrow(() -> ApiError.notFound("No price proposal '" + proposalId + "'."));
            if (!proposal.status().equals("pending")) {
                throw new ApiError(HttpStatus.CONFLICT, "invalid_request_error", "proposal_decided", null,
                        "Price proposal '" + proposalId + "' was " + proposal.status() + " already.");
            }
            return proposal;
        });
    }

    private Map<String, ModelPrice> prices(JsonNode stored) {
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        stored.fields().forEachRemaining(entry -> prices.put(entry.getKey(),
                PLAIN.convertValue(entry.getValue(), ModelPrice.class)));
        return prices;
    }

}
