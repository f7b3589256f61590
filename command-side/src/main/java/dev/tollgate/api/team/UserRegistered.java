package dev.tollgate.api.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Set;

/**
 * A user joined a team. {@code autoRegistered} users were first seen in the {@code user} field of a request made
 * with a team key; their {@code budget} is {@code null} (the team's member budget applies).
 */
@Revision("2")
public record UserRegistered(String teamId, String userId, String externalId, String name, Budget budget,
                             Set<String> tags, boolean autoRegistered, String actor, Instant at,
                             AccountBalance userBalance) {

    public UserRegistered {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }
}
