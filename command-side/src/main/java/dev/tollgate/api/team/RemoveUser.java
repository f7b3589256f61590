package dev.tollgate.api.team;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Removes a member from a team (a student leaves the course): no new request is charged to them from then on.
 * Requests already in flight settle as usual; their history stays. Registering the user again re-admits them.
 */
public record RemoveUser(@TargetAggregateIdentifier String teamId, String userId, String actor, String reason) {
}
