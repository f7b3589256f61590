package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Gives a key a new secret: same id, owner, limits, budget and history; the old secret stops working.
 *
 * @param expectedTeamId the team whose keys the sender may rotate (refused with {@link KeyOfAnotherTeam} when the key
 *                       is in another); {@code null} only for a sender allowed on every team's keys (an admin)
 */
public record RotateKey(@TargetAggregateIdentifier String keyId, String expectedTeamId, String secretHash,
                        String displayPrefix, String actor, String reason) {
}
