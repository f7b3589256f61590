package dev.tollgate.api.spend;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Many requests' spend instructions for one team, decided one by one in order and stored in one commit.
 * This is how a hot team sustains thousands of requests per second: per-request events and invariants are the
 * same as if each line had been its own command. The handler answers a {@link SpendBatchResult}.
 */
public record RecordSpendBatch(@TargetAggregateIdentifier String teamId, List<SpendLine> lines) {

    public RecordSpendBatch {
        lines = List.copyOf(lines);
    }
}
