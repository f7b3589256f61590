package dev.tollgate.api.move;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Moves a key to its owner's new team (sent by the move process): its requests are charged there from now on. */
public record MoveKey(@TargetAggregateIdentifier String keyId, String toTeamId, String moveId, String actor) {
}
