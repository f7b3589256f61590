package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/**
 * Registers a user as a member of a team. The only way a person's name and email enter Tollgate: they are personal
 * data, stored encrypted with the person's own key and erasable (docs/privacy.md).
 *
 * @param externalId the name the OpenAI {@code user} field uses for this user in requests with a team key
 * @param name       the person's name, or {@code null}
 * @param email      the person's email, or {@code null}
 * @param budget     the user's own budget, or {@code null} to follow the team's member budget
 * @param tags       labels such as {@code course:cs101}, by which cohort boosts select users
 */
public record RegisterUser(@TargetAggregateIdentifier String teamId, String userId, String externalId, String name,
                           String email, Budget budget, Set<String> tags, String actor) {

    /** The {@link dev.tollgate.api.CommandRefused#code() code} of the team's refusal to register a member again. */
    public static final String ALREADY_A_MEMBER = "already_a_member";

    public RegisterUser {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    /** A registration without an email. */
    public RegisterUser(String teamId, String userId, String externalId, String name, Budget budget,
                        Set<String> tags, String actor) {
        this(teamId, userId, externalId, name, null, budget, tags, actor);
    }
}
