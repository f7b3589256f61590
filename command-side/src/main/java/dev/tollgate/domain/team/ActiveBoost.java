package dev.tollgate.domain.team;

import java.time.Instant;

/** A boost on one account of the team (the team's: {@code userId == null}), until it ends or is revoked. */
record ActiveBoost(String boostId, String userId, long amount, Instant startsAt, Instant endsAt, String cohortId) {

    String key() {
        return key(boostId, userId);
    }

    static String key(String boostId, String userId) {
        return boostId + "/" + (userId == null ? "" : userId);
    }

    /** Active at {@code at}: from its start (inclusive) to its end (exclusive). */
    boolean activeAt(Instant at) {
        return !at.isBefore(startsAt) && at.isBefore(endsAt);
    }

    /**
     * A grant of this boost's id on this account is a repeat of it: the same amount, end and cohort. The start is not
     * compared: a grant that names none starts when it is received, a moment later when it is sent again.
     */
    boolean sameTerms(long amount, Instant endsAt, String cohortId) {
        return this.amount == amount && this.endsAt.equals(endsAt) && java.util.Objects.equals(this.cohortId, cohortId);
    }

    /** A share of the same cohort boost as {@code cohortId} (never for a boost of one account). */
    boolean sharesCohort(String cohortId) {
        return cohortId != null && cohortId.equals(this.cohortId);
    }

    boolean boosts(String accountUserId) {
        return java.util.Objects.equals(userId, accountUserId);
    }
}
