package dev.tollgate.api.keypolicy;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Sets what a team's members may do with the keys they make themselves in the portal.
 *
 * @param policyId          {@code key-policy:<teamId>}
 * @param maxKeys           the most keys a member may hold at once (not revoked, not expired)
 * @param maxExpiryDays     the longest a member's key may live; {@code null}: keys may never expire
 * @param allowedModels     the models members' keys may use; empty: every model
 * @param requestsPerMinute the rate limit every member's key gets; {@code null}: none
 * @param tokensPerMinute   the token limit every member's key gets; {@code null}: none
 */
public record SetKeyPolicy(@TargetAggregateIdentifier String policyId, String teamId, int maxKeys,
                           Integer maxExpiryDays, List<String> allowedModels, Long requestsPerMinute,
                           Long tokensPerMinute, String actor, String reason) {

    public SetKeyPolicy {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
    }

    public static String policyId(String teamId) {
        return "key-policy:" + teamId;
    }
}
