package dev.tollgate.api.move;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Cancels a move the new team refused (sent by the move process to the team the member was leaving). */
public record CancelUserMove(@TargetAggregateIdentifier String teamId, String moveId, String userId, String reason) {
}
