package dev.tollgate.query.topup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * A top-up of a lifetime allowance.
 *
 * @param userId     {@code null}: the team's own allowance
 * @param limitAfter the allowance's limit after the top-up
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TopUpView(String topUpId, String teamId, String userId, String amount, String limitAfter,
                        String actor, String reason, Instant at) {
}
