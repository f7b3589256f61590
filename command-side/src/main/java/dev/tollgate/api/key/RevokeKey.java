package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Revokes a key: refused from then on.
 *
 * @param expectedTeamId the team whose keys the sender may revoke (refused with {@link KeyOfAnotherTeam} when the key
 *                       is in another); {@code null} only for a sender allowed on every team's keys (an admin)
 */
public record RevokeKey(@TargetAggregateIdentifier String keyId, String expectedTeamId, String actor,
                        String reason) {
}
