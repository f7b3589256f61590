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
 * @param overrun     the part of {@code spent} that settlements charged beyond their reservations, in the period
 *                    (an upstream that ignored max_tokens, or counted more prompt tokens than Tollgate): what
 *                    {@code spent} may exceed the limit by
 */
public record AccountBalance(Money limit, BudgetPeriod period, Instant periodStart, Instant periodEnd,
                             Money spent, Money reserved, Money overrun) {

    public AccountBalance {
        // Stored events are upcast to carry it (revision 2); this covers what is read without the upcasters,
        // such as a dead letter parked by an earlier release.
        overrun = overrun == null ? Money.ZERO : overrun;
    }

    /** A balance without overrun. */
    public AccountBalance(Money limit, BudgetPeriod period, Instant periodStart, Instant periodEnd, Money spent,
                          Money reserved) {
        this(limit, period, periodStart, periodEnd, spent, reserved, Money.ZERO);
    }

    /** What is left to reserve; {@code null} when unlimited. Can be negative after an overrun. */
    public Money remaining() {
        return limit == null ? null : limit.minus(spent).minus(reserved);
    }
}
