package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Gives a key a new secret: same id, owner, limits, budget and history; the old secret stops working. */
public record RotateKey(@TargetAggregateIdentifier String keyId, String secretHash, String displayPrefix,
                        String actor, String reason) {
}
