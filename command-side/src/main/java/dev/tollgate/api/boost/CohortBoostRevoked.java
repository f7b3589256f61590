package dev.tollgate.api.boost;

import java.time.Instant;
import java.util.List;

/** @param teams the teams whose members' boosts end */
public record CohortBoostRevoked(String boostId, List<String> teams, String actor, String reason, Instant at) {
}
