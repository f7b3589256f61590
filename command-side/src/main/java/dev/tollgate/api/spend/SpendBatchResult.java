package dev.tollgate.api.spend;

import java.util.List;

/** The outcome of each line of a {@link RecordSpendBatch}, in the lines' order. */
public record SpendBatchResult(List<SpendOutcome> outcomes) {
}
