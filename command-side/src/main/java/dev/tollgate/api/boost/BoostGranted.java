package dev.tollgate.api.boost;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/** @param userId {@code null}: the team's budget is boosted */
@Revision("1")
public record BoostGranted(String teamId, String boostId, String userId, Money amount, Instant startsAt,
                           Instant endsAt, String reason, String cohortId, String actor, Instant at) {
}
