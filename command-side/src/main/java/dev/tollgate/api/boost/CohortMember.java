package dev.tollgate.api.boost;

/** A user of a cohort boost, with the team the user belongs to. */
public record CohortMember(String userId, String teamId) {
}
