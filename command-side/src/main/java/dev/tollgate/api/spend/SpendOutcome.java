package dev.tollgate.api.spend;

import dev.tollgate.api.money.Money;

import java.time.Instant;

/** What the team decided for one {@link SpendLine}. */
public sealed interface SpendOutcome {

    String requestId();

    /**
     * @param grantedMaxTokens the output tokens the reservation covers
     * @param clamped          whether that is fewer than asked for, because of the budget
     */
    record Reserved(String requestId, String userId, Money amount, long grantedMaxTokens, boolean clamped)
            implements SpendOutcome {
    }

    /**
     * @param limitingBudget {@code "user"}, {@code "team"} or {@code "key"}: the budget that could not cover it
     * @param resetsAt       when that budget's period starts again, {@code null} if it never does
     */
    record Rejected(String requestId, String limitingBudget, String accountId, Money needed, Money available,
                    Instant resetsAt, String reason) implements SpendOutcome {
    }

    record Settled(String requestId, Money cost) implements SpendOutcome {
    }

    record Released(String requestId) implements SpendOutcome {
    }

    /**
     * Nothing was decided nor recorded: the line priced its prompt by an upper bound
     * ({@link ReserveSpend#recountShare}) and the budget is close enough that the exact count could change the
     * decision. The edge counts the prompt and sends the line again.
     */
    record Recount(String requestId) implements SpendOutcome {
    }

    /**
     * This line alone was refused: it breaks a rule of the ledger (a settlement's cost below zero). Nothing was
     * recorded for it, and the other lines of its batch were decided as if it were not there; a refused settlement
     * leaves its reservation open, to be settled again or to expire at its estimate (never undercounted).
     *
     * @param reason why, for its own caller (it names no other request)
     */
    record Refused(String requestId, String reason) implements SpendOutcome {
    }

    /** The request was not open: already settled, released, rejected or expired, or never reserved here. */
    record NotOpen(String requestId, String state) implements SpendOutcome {
    }
}
