package dev.tollgate.api.priceproposal;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Rejects a pending proposal: its prices never come into force. */
public record RejectPriceProposal(@TargetAggregateIdentifier String proposalId, String actor, String reason) {
}
