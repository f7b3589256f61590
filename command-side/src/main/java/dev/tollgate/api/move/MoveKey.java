package dev.tollgate.api.move;

import dev.tollgate.api.keypolicy.KeyPolicyTerms;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Moves a key to its owner's new team (sent by the move process): its requests are charged there from now on. The
 * key follows only if the new team's key policy allows it as it is; otherwise it is revoked with the reason. Answers
 * whether the key is one of its owner's live keys in the new team afterwards ({@code true}: it followed, now or
 * before).
 *
 * @param policy          the new team's key policy as the move process read it from the policy itself (or the
 *                        configured default when the team has none)
 * @param followedAlready how many of the owner's keys, newer than this one, followed them in this move: the key is
 *                        revoked when they already hold the policy's {@code maxKeys} (the newest that fit are kept)
 */
public record MoveKey(@TargetAggregateIdentifier String keyId, String toTeamId, String moveId, String actor,
                      KeyPolicyTerms policy, int followedAlready) {
}
