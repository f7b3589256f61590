package dev.tollgate.domain.team;

import dev.tollgate.api.money.BudgetPeriod;

import java.time.Instant;

/**
 * The account a member left a team with (moved out, or removed), and the period of the budget it was kept under:
 * what they get back if they come back while that period lasts.
 */
record LeftAccount(Account account, BudgetPeriod period) {

    /**
     * The account a member coming back under a budget of period {@code to} opens with at {@code now}, holding
     * {@code reserved} (their requests still in flight here): the spend of the period they left in while it lasts
     * (carried into a budget of another period, as a change of period carries it), nothing once it has ended.
     */
    Account reopened(BudgetPeriod to, Instant now, long reserved) {
        Account current = account.rebased(period, to, now);
        return new Account(current.periodStart(), current.spent(), reserved, current.overrun());
    }
}
