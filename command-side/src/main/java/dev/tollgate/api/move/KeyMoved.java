package dev.tollgate.api.move;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A key followed its owner to their new team. A budget of the key's own stays with the team it was set in (its
 * spend there is history); the new team's managers may give it one.
 */
@Revision("1")
public record KeyMoved(String keyId, String fromTeamId, String toTeamId, String userId, String moveId, String actor,
                       Instant at) {
}
