package dev.tollgate.api.identity;

/**
 * The answer of a user id's identity to {@link LinkIdentity} and {@link ConfirmIdentity}: the user id is this
 * identity's.
 *
 * @param placedInTeam whether it was linked at a sign-in whose claims placed the user in a team (a member Tollgate
 *                     provisioned from the identity provider, whose membership follows the provider), not at a staff
 *                     member's sign-in that placed them in none
 */
public record IdentityLink(String userId, boolean placedInTeam) {
}
