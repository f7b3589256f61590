package dev.tollgate.api.priceproposal;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** An admin rejected a proposal: the source's prices stay out of the price book. */
@Revision("1")
public record PriceProposalRejected(String proposalId, String sourceId, String actor, String reason, Instant at) {
}
