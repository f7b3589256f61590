package dev.tollgate.api.identity;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Map;
import java.util.Set;

/**
 * Links a user id to the identity (issuer and subject) that signed in with it at an OpenID Connect provider; the
 * first sign-in with that user id makes the link (a student's or a staff member's), and every later one must come from
 * the same identity.
 *
 * @param identityId     {@code identity:<userId>}
 * @param teamId         the team the claims place the user in, or {@code null} (a staff sign-in)
 * @param decidingClaims the claims (and only those) that decided the user's team and tags, e.g. the groups that
 *                       matched a rule: what the audit trail shows of the sign-in
 */
public record LinkIdentity(@TargetAggregateIdentifier String identityId, String userId, String issuer,
                           String subject, String teamId, Set<String> tags, Map<String, String> decidingClaims,
                           String actor) {

    public LinkIdentity {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        decidingClaims = decidingClaims == null ? Map.of() : Map.copyOf(decidingClaims);
    }

    public static String identityId(String userId) {
        return "identity:" + userId;
    }
}
