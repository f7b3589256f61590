package dev.tollgate.query.price;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A price source's proposal: its diff ({@code changes}: model, field, old and new value), the proposed prices, and
 * how it was decided.
 *
 * @param status {@code pending}, {@code approved} or {@code rejected}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PriceProposalView(String id, String sourceId, String status, JsonNode changes, JsonNode prices,
                                Instant proposedAt, String decidedBy, Instant decidedAt, String decisionReason,
                                Integer priceVersion) {
}
