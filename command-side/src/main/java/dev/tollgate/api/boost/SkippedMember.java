package dev.tollgate.api.boost;

/**
 * A member of a cohort boost whose team refused their share (at the most boosts an account holds, past the budget
 * cap of the actor who decided it, or no longer a member).
 *
 * @param reason why, as the team refused it
 */
public record SkippedMember(String userId, String teamId, String reason) {
}
