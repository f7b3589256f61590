package dev.tollgate.api.move;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.privacy.DataSubject;
import dev.tollgate.api.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Set;

/**
 * A moving member joined their new team, with an account of the team's member budget opened at {@code userBalance}
 * (their spend before stays in the team they came from). {@code externalId} is personal data.
 */
@Revision("1")
public record UserMovedIn(String moveId, String teamId, @DataSubject String userId, String fromTeamId,
                          @PersonalData String externalId, Set<String> tags, String actor, String reason, Instant at,
                          AccountBalance userBalance) {

    public UserMovedIn {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    public String externalIdOrUserId() {
        return externalId == null ? userId : externalId;
    }
}
