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

    boolean boosts(String accountUserId) {
        return java.util.Objects.equals(userId, accountUserId);
    }
}
