package dev.tollgate.query.boost;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/** The decision of a cohort boost; its members' boosts are listed with it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CohortBoostView(String id, String selector, int memberCount, List<String> teams, String amount,
                              Instant startsAt, Instant endsAt, String reason, String grantedBy, Instant grantedAt,
                              Instant revokedAt, String revokedBy, String revokeReason, List<BoostView> members) {
}
