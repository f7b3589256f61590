package dev.tollgate.domain.priceproposal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.priceproposal.ApprovePriceProposal;
import dev.tollgate.api.priceproposal.PriceProposalApproved;
import dev.tollgate.api.priceproposal.PriceProposalRejected;
import dev.tollgate.api.priceproposal.PricesProposed;
import dev.tollgate.api.priceproposal.ProposePrices;
import dev.tollgate.api.priceproposal.RejectPriceProposal;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A change of prices a price source proposed: pending, then approved (and published) or rejected, once. Nothing of
 * it is in force until it is approved; the price book publishes it, this records who decided and why.
 */
@Revision("1")
@Aggregate
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class PriceProposal {

    public enum Status { PENDING, APPROVED, REJECTED }

    @AggregateIdentifier
    private String proposalId;
    private String sourceId;
    private Status status;

    protected PriceProposal() {
        // for Axon
    }

    @CommandHandler
    public PriceProposal(ProposePrices command) {
        Limits.requireId(command.proposalId(), "proposal id");
        Limits.requireId(command.sourceId(), "price source id");
        if (command.changes().isEmpty() || command.prices().isEmpty()) {
            throw CommandRefused.invalid("a price proposal changes at least one price");
        }
        apply(new PricesProposed(command.proposalId(), command.sourceId(), command.changes(), command.prices(),
                command.actor(), GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(ApprovePriceProposal command) {
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        requirePending();
        apply(new PriceProposalApproved(proposalId, sourceId, command.priceVersion(), command.actor(),
                command.reason(), GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(RejectPriceProposal command) {
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        requirePending();
        apply(new PriceProposalRejected(proposalId, sourceId, command.actor(), command.reason(),
                GenericEventMessage.clock.instant()));
    }

    private void requirePending() {
        if (status != Status.PENDING) {
            throw CommandRefused.conflict("price proposal '" + proposalId + "' was " + status.name().toLowerCase()
                    + " already");
        }
    }

    @EventSourcingHandler
    void on(PricesProposed event) {
        proposalId = event.proposalId();
        sourceId = event.sourceId();
        status = Status.PENDING;
    }

    @EventSourcingHandler
    void on(PriceProposalApproved event) {
        status = Status.APPROVED;
    }

    @EventSourcingHandler
    void on(PriceProposalRejected event) {
        status = Status.REJECTED;
    }
}
