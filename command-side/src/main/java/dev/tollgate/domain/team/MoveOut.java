package dev.tollgate.domain.team;

/**
 * A member on their way to another team.
 *
 * @param closing the new team admitted them: nothing new is charged to them here, and their account closes when
 *                their last request in flight here has ended
 */
record MoveOut(String moveId, String toTeamId, boolean closing) {
}
