package dev.tollgate.api.move;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** A move did not happen (the new team refused it): the member stays where they were, as they were. */
@Revision("1")
public record UserMoveCancelled(String moveId, String teamId, String userId, String toTeamId, String reason,
                                Instant at) {
}
