package dev.tollgate.query.spend;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * What one request cost, as finance reads it. Amounts are decimal strings in the ledger currency.
 *
 * @param outcome  reserved (still running), settled, released, rejected or expired
 * @param reserved the amount set aside before the request went upstream
 * @param cost     what the request was charged
 * @param overrun  what {@code cost} exceeds {@code reserved} by ("0" unless the upstream billed more than the
 *                 reservation covered); part of {@code cost}
 * @param tags     the request's labels (its own, and its key's defaults)
 * @param model    the model that answered (a fallback's when a fallback answered; the requested one otherwise)
 * @param requestedModel the model the client asked for
 * @param attempts how many attempts it took (retries and fallbacks included); {@code null} before any answer, and
 *                 for requests settled before attempts were recorded
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MessageCostView(String requestId, Instant startedAt, Instant finishedAt, String teamId, String userId,
                              String keyId, String model, String provider, String deployment, String outcome,
                              String reason, String reserved, String cost, Usage usage, Long requestedMaxTokens,
                              Long grantedMaxTokens, boolean clamped, String priceVersion, Long latencyMs,
                              boolean flagged, Map<String, String> tags, String adjustedCost, Long images,
                              String requestedModel, Integer attempts, String overrun) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(Long promptTokens, Long completionTokens, Long cachedTokens, Long reasoningTokens,
                        Long totalTokens) {
    }
}
