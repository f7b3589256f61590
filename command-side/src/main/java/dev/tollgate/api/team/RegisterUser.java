package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/**
 * Registers a user as a member of a team.
 *
 * @param externalId the name the OpenAI {@code user} field uses for this user in requests with a team key
 * @param budget     the user's own budget, or {@code null} to follow the team's member budget
 * @param tags       labels such as {@code course:cs101}, by which cohort boosts select users
 */
public record RegisterUser(@TargetAggregateIdentifier String teamId, String userId, String externalId, String name,
                           Budget budget, Set<String> tags, String actor) {

    public RegisterUser {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }
}
