package dev.tollgate.projection.priceproposal;

import dev.tollgate.api.priceproposal.PriceProposalApproved;
import dev.tollgate.api.priceproposal.PriceProposalRejected;
import dev.tollgate.api.priceproposal.PricesProposed;
import dev.tollgate.projection.directory.DirectoryProjection;
import dev.tollgate.projection.support.Json;
import dev.tollgate.projection.support.SavepointPerEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.readmodel.Tables.PRICE_PROPOSALS;

/** Price proposals of the price sources, with their diff and how they were decided. Part of the directory group. */
@Component
@SavepointPerEvent
@ProcessingGroup(DirectoryProjection.PROCESSING_GROUP)
public class PriceProposalProjection {

    private final DSLContext dsl;

    public PriceProposalProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(PricesProposed event) {
        dsl.insertInto(PRICE_PROPOSALS)
                .set(PRICE_PROPOSALS.PROPOSAL_ID, event.proposalId())
                .set(PRICE_PROPOSALS.SOURCE_ID, event.sourceId())
                .set(PRICE_PROPOSALS.STATUS, "pending")
                .set(PRICE_PROPOSALS.CHANGES, Json.of(event.changes().stream().map(c -> {
                    java.util.Map<String, String> line = new java.util.LinkedHashMap<>();
                    line.put("model", c.model());
                    line.put("field", c.field());
                    line.put("old_value", c.oldValue());
                    line.put("new_value", c.newValue());
                    return line;
                }).toList()))
                .set(PRICE_PROPOSALS.PRICES, Json.of(event.prices()))
                .set(PRICE_PROPOSALS.PROPOSED_AT, event.at())
                .onConflictDoNothing()
                .execute();
    }

    @EventHandler
    void on(PriceProposalApproved event) {
        dsl.update(PRICE_PROPOSALS)
                .set(PRICE_PROPOSALS.STATUS, "approved")
                .set(PRICE_PROPOSALS.DECIDED_BY, event.actor())
                .set(PRICE_PROPOSALS.DECIDED_AT, event.at())
                .set(PRICE_PROPOSALS.DECISION_REASON, event.reason())
                .set(PRICE_PROPOSALS.PRICE_VERSION, event.priceVersion())
                .where(PRICE_PROPOSALS.PROPOSAL_ID.eq(event.proposalId()))
                .execute();
    }

    @EventHandler
    void on(PriceProposalRejected event) {
        dsl.update(PRICE_PROPOSALS)
                .set(PRICE_PROPOSALS.STATUS, "rejected")
                .set(PRICE_PROPOSALS.DECIDED_BY, event.actor())
                .set(PRICE_PROPOSALS.DECIDED_AT, event.at())
                .set(PRICE_PROPOSALS.DECISION_REASON, event.reason())
                .where(PRICE_PROPOSALS.PROPOSAL_ID.eq(event.proposalId()))
                .execute();
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(PRICE_PROPOSALS).execute();
    }
}
