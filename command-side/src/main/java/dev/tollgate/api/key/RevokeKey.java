package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RevokeKey(@TargetAggregateIdentifier String keyId, String actor, String reason) {
}
