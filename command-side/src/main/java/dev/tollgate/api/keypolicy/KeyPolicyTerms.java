package dev.tollgate.api.keypolicy;

import java.util.List;

/**
 * What a team's key policy allows a member's key, as a key that follows its owner into the team is measured against
 * it ({@code MoveKey}): the team's own policy ({@link KeyPolicySet}) or, when it has none, the configured default.
 *
 * @param maxKeys           the most keys a member may hold at once
 * @param maxExpiryDays     the longest a key may live; {@code null}: keys may never expire
 * @param allowedModels     the models a key may use; empty: every model
 * @param requestsPerMinute the request limit a key must have at most; {@code null}: none
 * @param tokensPerMinute   the token limit a key must have at most; {@code null}: none
 */
public record KeyPolicyTerms(int maxKeys, Integer maxExpiryDays, List<String> allowedModels, Long requestsPerMinute,
                             Long tokensPerMinute) {

    public KeyPolicyTerms {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
    }

    /** The terms a policy that was set names. */
    public static KeyPolicyTerms of(KeyPolicySet set) {
        return new KeyPolicyTerms(set.maxKeys(), set.maxExpiryDays(), set.allowedModels(), set.requestsPerMinute(),
                set.tokensPerMinute());
    }
}
