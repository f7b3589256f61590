package dev.tollgate.domain.team;

import dev.tollgate.api.money.Budget;

/**
 * A user of the team, with their budget account.
 *
 * @param ownBudget {@code null} when the member follows the team's member budget
 */
record Member(String userId, String externalId, String name, Budget ownBudget, java.util.Set<String> tags,
              Account account) {

    Budget effectiveBudget(Budget memberBudget) {
        return ownBudget != null ? ownBudget : memberBudget;
    }

    Member withAccount(Account newAccount) {
        return new Member(userId, externalId, name, ownBudget, tags, newAccount);
    }

    Member withOwnBudget(Budget budget, Account newAccount) {
        return new Member(userId, externalId, name, budget, tags, newAccount);
    }

    Member withTags(java.util.Set<String> newTags) {
        return new Member(userId, externalId, name, ownBudget, newTags, account);
    }
}
