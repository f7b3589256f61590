package dev.tollgate.api.topup;

import dev.tollgate.api.money.Money;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Adds {@code amount} to a lifetime allowance: a limited budget without period (a prepaid allowance for a thesis
 * project), the team's ({@code userId == null}) or a member's own. Unlike a boost it never ends: the limit grows for
 * good, and since the budget has no period its balance never resets.
 *
 * @param topUpId  the top-up's id (its line on statements and in the audit trail)
 * @param limitCap the largest limit the actor may leave the account with, the allowance after the top-up plus every
 *                 boost on the account not yet ended (a manager's budget cap: a top-up sets a limit as surely as a
 *                 budget change does); {@code null}: no cap
 */
public record TopUpBudget(@TargetAggregateIdentifier String teamId, String topUpId, String userId, Money amount,
                          String actor, String reason, Money limitCap) {

    /** A top-up by an actor without a cap (an admin, finance's tooling, a test). */
    public TopUpBudget(String teamId, String topUpId, String userId, Money amount, String actor, String reason) {
        this(teamId, topUpId, userId, amount, actor, reason, null);
    }
}
