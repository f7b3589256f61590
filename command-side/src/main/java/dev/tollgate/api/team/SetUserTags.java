package dev.tollgate.api.team;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/** Replaces a member's tags (such as {@code course:cs101}): what cohort boosts select users by. */
public record SetUserTags(@TargetAggregateIdentifier String teamId, String userId, Set<String> tags, String actor,
                          String reason) {

    public SetUserTags {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }
}
