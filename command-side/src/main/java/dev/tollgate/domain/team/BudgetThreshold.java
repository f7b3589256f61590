package dev.tollgate.domain.team;

import dev.tollgate.api.alert.ThresholdKind;
import dev.tollgate.api.alert.ThresholdScope;

/** A threshold set on the team's budgets (see {@link dev.tollgate.api.alert.SetThreshold}). */
record BudgetThreshold(String thresholdId, ThresholdScope scope, String subject, ThresholdKind kind, int percent) {

    /** Watches the team's own account. */
    boolean watchesTeam() {
        return scope == ThresholdScope.TEAM;
    }

    /** Watches this member's account: named, or carrying the tag. */
    boolean watches(Member member) {
        return scope == ThresholdScope.USER && member.userId().equals(subject)
                || scope == ThresholdScope.TAG && member.tags().contains(subject);
    }

    /** Watches this key's account. */
    boolean watches(KeyAccount key) {
        return scope == ThresholdScope.KEY && key.keyId().equals(subject);
    }
}
