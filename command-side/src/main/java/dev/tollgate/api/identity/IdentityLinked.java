package dev.tollgate.api.identity;

import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A user signed in with an identity provider for the first time: placed in team {@code teamId} by its claims, or
 * ({@code teamId} {@code null}) a staff member whose claims place them in no team.
 */
@Revision("1")
public record IdentityLinked(String identityId, String userId, String issuer, String subject, String teamId,
                             Set<String> tags, Map<String, String> decidingClaims, String actor, Instant at) {

    public IdentityLinked {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        decidingClaims = decidingClaims == null ? Map.of() : Map.copyOf(decidingClaims);
    }
}
