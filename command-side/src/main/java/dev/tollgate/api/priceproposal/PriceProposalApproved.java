package dev.tollgate.api.priceproposal;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** An admin (or, for a source that applies automatically, the source) approved a proposal: it is in force. */
@Revision("1")
public record PriceProposalApproved(String proposalId, String sourceId, int priceVersion, String actor,
                                    String reason, Instant at) {
}
