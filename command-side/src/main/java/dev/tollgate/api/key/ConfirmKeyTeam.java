package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Asks a key whether it is in {@code teamId}, before a change to it is sent to that team (a key's own budget is kept
 * by its team): refused with {@link KeyOfAnotherTeam} when it is not. Records nothing.
 */
public record ConfirmKeyTeam(@TargetAggregateIdentifier String keyId, String teamId) {
}
