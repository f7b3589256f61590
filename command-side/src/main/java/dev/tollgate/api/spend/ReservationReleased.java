package dev.tollgate.api.spend;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/** A reservation was given back in full: the request failed and nothing was charged. */
@Revision("2")
public record ReservationReleased(String requestId, String teamId, String userId, String keyId, Money reserved,
                                  String reason, Instant at, AccountBalance teamBalance,
                                  AccountBalance userBalance, AccountBalance keyBalance) implements RequestEvent {
}
