package dev.tollgate.edge.chat;

import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.edge.errors.ApiError;

/** The 429 a client gets when a budget cannot cover its request: which budget, what is left, when it resets. */
final class BudgetMessages {

    private BudgetMessages() {
    }

    static ApiError rejection(SpendOutcome.Rejected rejected) {
        String which = rejected.limitingBudget().equals("user")
                ? "The budget of user '" + rejected.accountId() + "'"
                : "The budget of team '" + rejected.accountId() + "'";
        String reset = rejected.resetsAt() == null
                ? " It does not reset by itself: ask the team's administrator."
                : " It resets at " + rejected.resetsAt() + ".";
        String message = which + " cannot cover this request: it needs at least " + rejected.needed()
                + " and " + (rejected.available().isNegative() ? "0" : rejected.available()) + " is left." + reset;
        ApiError error = ApiError.insufficientQuota(message)
                .withHeader("x-tollgate-budget", rejected.limitingBudget());
        if (rejected.resetsAt() != null) {
            error.withHeader("x-tollgate-budget-resets-at", rejected.resetsAt().toString());
        }
        return error;
    }
}
