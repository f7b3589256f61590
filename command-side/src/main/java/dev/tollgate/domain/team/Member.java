package dev.tollgate.domain.team;

import dev.tollgate.api.money.Budget;

/**
 * A user of the team, with their budget account. No name or email: decisions need neither, and what the aggregate
 * does not hold cannot leak into a snapshot. {@code externalId} is the user id once the person was erased.
 *
 * @param ownBudget {@code null} when the member follows the team's member budget
 */
record Member(String userId, String externalId, Budget ownBudget, java.util.Set<String> tags,
              Account account) {

    Budget effectiveBudget(Budget memberBudget) {
        return ownBudget != null ? ownBudget : memberBudget;
    }

    Member withAccount(Account newAccount) {
        return new Member(userId, externalId, ownBudget, tags, newAccount);
    }

    Member withOwnBudget(Budget budget, Account newAccount) {
        return new Member(userId, externalId, budget, tags, newAccount);
    }

    Member withExternalId(String newExternalId) {
        return new Member(userId, newExternalId, ownBudget, tags, account);
    }

    Member withTags(java.util.Set<String> newTags) {
        return new Member(userId, externalId, ownBudget, newTags, account);
    }
}
