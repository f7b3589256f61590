package dev.tollgate.domain.team;

import dev.tollgate.api.money.Budget;

/** A key of the team that has a budget of its own. */
record KeyAccount(String keyId, Budget budget, Account account) {

    KeyAccount withAccount(Account newAccount) {
        return new KeyAccount(keyId, budget, newAccount);
    }
}
