package dev.tollgate.api.recalculation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Re-cost the requests settled between {@code from} (inclusive) and {@code to} (exclusive; {@code null}: now) with
 * the price book as it stands, to see what a price correction changes. Nothing is charged until it is approved.
 */
public record StartRecalculation(@TargetAggregateIdentifier String recalculationId, Instant from, Instant to,
                                 String reason, String actor) {
}
