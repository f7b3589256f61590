package dev.tollgate.api.recalculation;

import dev.tollgate.api.money.Money;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The replay of a recalculation reached the end of its range: its diff is ready for review. */
public record CompleteRecalculation(@TargetAggregateIdentifier String recalculationId, long scanned, long changed,
                                    Money oldTotal, Money newTotal) {
}
