package dev.tollgate.api.move;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/**
 * Starts moving a member from their team to another (docs/adr/0007): sent to the team they leave. The move is a
 * process of events: started here, admitted by the new team ({@link AdmitMovedUser}), their keys follow, and the old
 * team closes their account once their requests in flight have ended ({@link CompleteUserMove}).
 *
 * @param tags the member's tags in the new team; {@code null} keeps their tags
 */
public record StartUserMove(@TargetAggregateIdentifier String teamId, String moveId, String userId, String toTeamId,
                            Set<String> tags, String actor, String reason) {

    public StartUserMove {
        tags = tags == null ? null : Set.copyOf(tags);
    }
}
