package dev.tollgate.api.priceproposal;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records that a proposal was approved and published as {@code priceVersion} (sent once the version exists). */
public record ApprovePriceProposal(@TargetAggregateIdentifier String proposalId, int priceVersion, String actor,
                                   String reason) {
}
