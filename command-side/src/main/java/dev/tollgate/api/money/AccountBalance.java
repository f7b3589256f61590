package dev.tollgate.api.money;

import java.time.Instant;

/**
 * The state of one budget account (a team's or a user's) right after an event, like the balance line of a bank
 * statement. Spend events carry it so that read models can show live budgets by copying, not by re-deciding.
 *
 * @param limit       the limit in force ({@code null}: unlimited)
 * @param period      the budget's period
 * @param periodStart the start of the period {@code spent} belongs to
 * @param periodEnd   when that period ends ({@code null} for a budget without period)
 * @param spent       settled (and expired) spend in the period
 * @param reserved    open reservations, whatever period they were made in
 */
public record AccountBalance(Money limit, BudgetPeriod period, Instant periodStart, Instant periodEnd,
                             Money spent, Money reserved) {

    /** What is left to reserve; {@code null} when unlimited. Can be negative after an overrun. */
    public Money remaining() {
        return limit == null ? null : limit.minus(spent).minus(reserved);
    }
}
