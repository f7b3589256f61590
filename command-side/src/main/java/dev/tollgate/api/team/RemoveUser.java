package dev.tollgate.api.team;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/**
 * Removes a member from a team (a student leaves the course): no new request is charged to them from then on, and no
 * key is issued to them. Requests already in flight settle as usual; their history stays. Registering the user again
 * re-admits them.
 *
 * @param endedKeyIds the member's keys the sender has revoked (or found revoked or expired) before removing them: the
 *                    team refuses the removal while it let them hold a live key that is not among these (one issued
 *                    meanwhile), so that no key of theirs outlives their membership and works again when they are
 *                    re-admitted
 */
public record RemoveUser(@TargetAggregateIdentifier String teamId, String userId, String actor, String reason,
                         Set<String> endedKeyIds) {

    public RemoveUser {
        endedKeyIds = endedKeyIds == null ? Set.of() : Set.copyOf(endedKeyIds);
    }

    /** A removal of a member who holds no key the team knows of. */
    public RemoveUser(String teamId, String userId, String actor, String reason) {
        this(teamId, userId, actor, reason, Set.of());
    }
}
