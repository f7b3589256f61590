package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Registers a user as a member of a team.
 *
 * @param externalId the name the OpenAI {@code user} field uses for this user in requests with a team key
 * @param budget     the user's own budget, or {@code null} to follow the team's member budget
 */
public record RegisterUser(@TargetAggregateIdentifier String teamId, String userId, String externalId, String name,
                           Budget budget, String actor) {
}
