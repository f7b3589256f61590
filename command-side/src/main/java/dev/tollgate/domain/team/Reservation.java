package dev.tollgate.domain.team;

import java.time.Instant;
import java.util.Map;

/** An open reservation: budget set aside for a request that has not finished yet. */
record Reservation(String requestId, String userId, String keyId, String model, long amount, long grantedMaxTokens,
                   boolean clamped, Instant at, Instant expiresAt, Map<String, String> tags) {
}
