package dev.tollgate.query.price;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * A version of the price book: every model's prices (per million tokens; per image and per request where set),
 * in force from {@code effective_from} until a later version's.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PriceVersionView(String version, int number, Instant effectiveFrom, JsonNode prices,
                               List<String> changed, String source, String actor, String reason,
                               Instant publishedAt) {
}
