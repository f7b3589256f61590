package dev.tollgate.edge.wire;

import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.edge.errors.ApiError;

/**
 * The 429 a client gets when a budget (the user's, the team's or the key's own) cannot cover its request: which
 * budget, what is left, when it resets. A user who is not a member gets a 403 instead.
 */
public final class BudgetMessages {

    private BudgetMessages() {
    }

    public static ApiError rejection(SpendOutcome.Rejected rejected) {
        if (rejected.limitingBudget().equals("membership")) {
            // Not a budget matter: the user left the team (or never was in it). Retrying cannot help.
            return ApiError.forbidden("permission_denied", "This request cannot be charged: " + rejected.reason()
                    + ". Ask the team's administrator.");
        }
        if (rejected.limitingBudget().equals("member_limit")) {
            // A team key's new user, and the team has its most members: retrying cannot help either.
            return ApiError.forbidden("team_member_limit", "This request cannot be charged: " + rejected.reason()
                    + ". Ask the team's administrator.");
        }
        String which = "The budget of " + rejected.limitingBudget() + " '" + rejected.accountId() + "'";
        String reset = rejected.resetsAt() == null
                ? " It does not reset by itself: ask the team's administrator."
                : " It resets at " + rejected.resetsAt() + ".";
        String message = which + " cannot cover this request: it needs at least " + rejected.needed()
                + " and " + (rejected.available().isNegative() ? "0" : rejected.available()) + " is left." + reset;
        ApiError error = ApiError.insufficientQuota(message)
                .withHeader(TollgateHeaders.BUDGET, rejected.limitingBudget());
        if (rejected.resetsAt() != null) {
            error.withHeader(TollgateHeaders.BUDGET_RESETS_AT, rejected.resetsAt().toString());
        }
        return error;
    }
}
