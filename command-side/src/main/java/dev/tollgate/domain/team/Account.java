package dev.tollgate.domain.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;

import java.time.Instant;

/**
 * One budget account inside a {@link Team}: what was spent in the current period and what is reserved now.
 * Immutable; amounts in nano-units. The limit is not part of it: it comes from the budget in force, which for a
 * member may be the team's member budget.
 *
 * @param periodStart the start of the period {@code spent} belongs to
 * @param overrun     the part of {@code spent} charged beyond reservations in the period: settlements that cost
 *                    more than was reserved for them
 */
record Account(Instant periodStart, long spent, long reserved, long overrun) {

    static Account fresh(Instant now, BudgetPeriod period) {
        return new Account(period.startOf(now), 0, 0, 0);
    }

    static Account of(AccountBalance balance) {
        return new Account(balance.periodStart(), balance.spent().nanos(), balance.reserved().nanos(),
                balance.overrun().nanos());
    }

    /** The same account at {@code now}: a new period starts from zero spent (open reservations stay). */
    Account rolledTo(Instant now, BudgetPeriod period) {
        Instant start = period.startOf(now);
        return start.isAfter(periodStart) ? new Account(start, 0, reserved, 0) : this;
    }

    /**
     * The account under a budget with another period: what was spent so far in the current period (and its overrun)
     * carries over into the new period, so that changing the period never makes spend disappear. Spend of a period
     * that has ended stays there: it is not carried into a new one.
     */
    Account rebased(BudgetPeriod from, BudgetPeriod to, Instant now) {
        Account current = rolledTo(now, from);
        return from == to ? current : new Account(to.startOf(now), current.spent, current.reserved, current.overrun);
    }

    /** What can still be reserved, with {@code boosts} added to the limit; {@link Long#MAX_VALUE} when unlimited. */
    long available(Budget budget, long boosts) {
        if (!budget.isLimited()) {
            return Long.MAX_VALUE;
        }
        long ceiling = Money.saturatedAdd(budget.limit().nanos(), boosts);
        long held = Money.saturatedAdd(spent, reserved);
        return Money.saturatedAdd(ceiling, held == Long.MIN_VALUE ? Long.MAX_VALUE : -held);
    }

    Account reserve(long amount) {
        return new Account(periodStart, spent, reserved + amount, overrun);
    }

    Account release(long amount) {
        return new Account(periodStart, spent, reserved - amount, overrun);
    }

    /**
     * Closes a reservation made at {@code reservedAt} with its real {@code cost}; what the cost exceeds the
     * reservation by is counted as overrun. Spend belongs to the period in which the request was reserved: a request
     * reserved before the current period began does not count against it.
     */
    Account settle(Instant reservedAt, long reservedAmount, long cost) {
        if (reservedAt.isBefore(periodStart)) {
            return new Account(periodStart, spent, reserved - reservedAmount, overrun);
        }
        long excess = Math.max(0, cost - reservedAmount);
        return new Account(periodStart, spent + cost, reserved - reservedAmount, overrun + excess);
    }

    /**
     * Corrects the cost of a request reserved at {@code reservedAt} by {@code difference}: it changes what was spent
     * in this period only if the request belongs to it; an earlier period is closed. A correction is not an overrun:
     * it is recorded as what it is ({@code CostAdjusted}).
     */
    Account adjust(Instant reservedAt, long difference) {
        return reservedAt.isBefore(periodStart) ? this
                : new Account(periodStart, spent + difference, reserved, overrun);
    }

    AccountBalance balance(Budget budget) {
        return new AccountBalance(budget.limit(), budget.period(), periodStart, budget.period().endOf(periodStart),
                Money.ofNanos(spent), Money.ofNanos(reserved), Money.ofNanos(overrun));
    }
}
