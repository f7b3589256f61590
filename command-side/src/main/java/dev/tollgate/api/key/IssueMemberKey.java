package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/**
 * Issues a member's key through their team. The team decides at that moment (never from a read model that can lag)
 * whether the person is a live member who may hold one more key, records the key as theirs ({@code MemberKeyIssued})
 * and creates the key ({@code KeyIssued}) in the same unit of work: one decision, one commit.
 *
 * @param teamId      the member's team; must be {@code key.teamId()}
 * @param key         the key, whose {@code userId} names the member
 * @param maxLiveKeys the most keys the member may hold at once (not revoked, not expired) once this one is issued;
 *                    {@code null}: no bound (an admin's key)
 * @param seenKeyIds  every key of the member the sender saw (any state) when it counted them
 * @param liveKeyIds  those of {@code seenKeyIds} that were live (not revoked, not expired). The team counts these
 *                    plus the keys it issued to the member that the sender did not see (issued since, by a request
 *                    running beside this one): parallel requests cannot all pass one count
 */
public record IssueMemberKey(@TargetAggregateIdentifier String teamId, IssueKey key, Integer maxLiveKeys,
                             Set<String> seenKeyIds, Set<String> liveKeyIds) {

    public IssueMemberKey {
        seenKeyIds = seenKeyIds == null ? Set.of() : Set.copyOf(seenKeyIds);
        liveKeyIds = liveKeyIds == null ? Set.of() : Set.copyOf(liveKeyIds);
    }

    /** A member's key without a bound on how many they hold (an admin issues it). */
    public IssueMemberKey(String teamId, IssueKey key) {
        this(teamId, key, null, Set.of(), Set.of());
    }
}
