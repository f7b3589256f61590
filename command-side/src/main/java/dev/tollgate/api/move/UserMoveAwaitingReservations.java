package dev.tollgate.api.move;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A moved member's account in the team they left waits for their {@code openReservations} requests in flight:
 * nothing new is charged to it, and it closes ({@link UserMovedOut}) when the last of them has ended.
 */
@Revision("1")
public record UserMoveAwaitingReservations(String moveId, String teamId, String userId, String toTeamId,
                                           int openReservations, Instant at) {
}
