package dev.tollgate.query.boost;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * One boosted account: a team's boost ({@code user_id} null), a user's, or a cohort member's share.
 *
 * @param status   {@code scheduled}, {@code active}, {@code ended} (its end instant passed), {@code revoked}
 * @param endedAt  when it was revoked, or when its end was recorded
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BoostView(String id, String teamId, String userId, String cohortId, String amount, Instant startsAt,
                        Instant endsAt, String reason, String grantedBy, Instant grantedAt, String status,
                        Instant endedAt, String endedBy, String endReason) {
}
