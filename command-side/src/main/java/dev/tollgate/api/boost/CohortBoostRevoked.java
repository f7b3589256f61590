package dev.tollgate.api.boost;

import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.List;

/** @param teams the teams whose members' boosts end */
@Revision("1")
public record CohortBoostRevoked(String boostId, List<String> teams, String actor, String reason, Instant at) {
}
