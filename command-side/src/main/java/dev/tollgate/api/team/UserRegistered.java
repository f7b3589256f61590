package dev.tollgate.api.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.privacy.DataSubject;
import dev.tollgate.api.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Set;

/**
 * A user joined a team. {@code autoRegistered} users were first seen in the {@code user} field of a request made
 * with a team key; their {@code budget} is {@code null} (the team's member budget applies).
 * <p>
 * {@code externalId}, {@code name} and {@code email} are personal data: stored encrypted with the user's key, and
 * {@code null} once the user was erased (revision 3 added {@code email}).
 */
@Revision("3")
public record UserRegistered(String teamId, @DataSubject String userId, @PersonalData String externalId,
                             @PersonalData String name, @PersonalData String email, Budget budget,
                             Set<String> tags, boolean autoRegistered, String actor, Instant at,
                             AccountBalance userBalance) {

    public UserRegistered {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    /** A registration without an email. */
    public UserRegistered(String teamId, String userId, String externalId, String name, Budget budget,
                          Set<String> tags, boolean autoRegistered, String actor, Instant at,
                          AccountBalance userBalance) {
        this(teamId, userId, externalId, name, null, budget, tags, autoRegistered, actor, at, userBalance);
    }

    /** The external id to use for lookups: the user id once the real one was erased. */
    public String externalIdOrUserId() {
        return externalId == null ? userId : externalId;
    }
}
