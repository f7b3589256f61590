package dev.tollgate.api.move;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.privacy.DataSubject;
import dev.tollgate.api.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A moved member's account in the team they left is closed, none of their requests open there: {@code userBalance}
 * is its last balance, their history stays. The move is done. {@code externalId} is personal data.
 */
@Revision("1")
public record UserMovedOut(String moveId, String teamId, @DataSubject String userId, String toTeamId,
                           @PersonalData String externalId, Instant at, AccountBalance userBalance) {
}
