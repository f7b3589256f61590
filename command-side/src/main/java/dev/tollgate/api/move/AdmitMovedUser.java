package dev.tollgate.api.move;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/** Admits a moving member to their new team (sent by the move process to the team they join). */
public record AdmitMovedUser(@TargetAggregateIdentifier String teamId, String moveId, String userId,
                             String fromTeamId, String externalId, Set<String> tags, String actor, String reason) {

    public AdmitMovedUser {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }
}
