package dev.tollgate.api.access;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RevokeCredential(@TargetAggregateIdentifier String credentialId, String actor, String reason) {
}
