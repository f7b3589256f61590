package dev.tollgate.domain.team;

import dev.tollgate.api.money.Money;

/**
 * A top-up the team remembers by its id: the account it raised ({@code userId == null}: the team's own allowance)
 * and by how much, so that a repeat of the id is told from another top-up that reuses it.
 */
record RecordedTopUp(String userId, Money amount) {
}
