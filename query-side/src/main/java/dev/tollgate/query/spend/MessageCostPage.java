package dev.tollgate.query.spend;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** A page of message costs, newest first; pass {@code next_cursor} as {@code cursor} for the next page. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MessageCostPage(String object, List<MessageCostView> data, boolean hasMore, String nextCursor) {
}
