package dev.tollgate.api.alert;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * Spend on one budget account crossed a threshold. Recorded at most once per threshold, account and budget period:
 * the Team decides it, and remembers it, so neither a retried command, a restart nor a replay records it again.
 *
 * @param alertId        {@code <team>/<threshold>/<account>/<period start>}: the same crossing always has the same
 *                       id, which is also the idempotency id of its notifications
 * @param account        {@code team}, {@code user} or {@code key}: which account crossed
 * @param userId         the member whose account crossed ({@code account == user}), else {@code null}
 * @param keyId          the key whose account crossed ({@code account == key}), else {@code null}
 * @param effectiveLimit the limit plus the boosts active at {@code at}
 * @param spent          spent in the period at {@code at}
 * @param periodEnd      {@code null} for a budget without period
 * @param projectedRunOut for {@link ThresholdKind#RUN_OUT}: when the budget runs out at the period's pace so far
 * @param requestId      the request whose settlement (or cost correction) crossed it, if one did
 */
@Revision("1")
public record BudgetThresholdCrossed(String alertId, String teamId, String thresholdId, ThresholdScope scope,
                                     String subject, ThresholdKind kind, int percent, String account, String userId,
                                     String keyId, Money effectiveLimit, Money spent, Instant periodStart,
                                     Instant periodEnd, Instant projectedRunOut, CrossingCause cause,
                                     String requestId, Instant at) {
}
