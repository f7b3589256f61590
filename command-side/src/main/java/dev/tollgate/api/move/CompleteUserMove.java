package dev.tollgate.api.move;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Closes a moved member's account in the team they left (sent by the move process once the new team admitted them
 * and their keys moved). Their requests still in flight there end there first: settled, released or expired
 * against the account they reserved on, exactly as the ledger's rules say; the account closes with the last.
 */
public record CompleteUserMove(@TargetAggregateIdentifier String teamId, String moveId, String userId) {
}
