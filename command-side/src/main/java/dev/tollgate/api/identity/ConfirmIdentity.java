package dev.tollgate.api.identity;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Asks the identity a user id is linked to whether it is this one (issuer and subject), without linking it when it is
 * not linked yet: for a sign-in that starts no session. Answered with an {@link IdentityLink}; refused as a conflict
 * when the user id belongs to another identity; an identity never linked is not found.
 *
 * @param identityId {@code identity:<userId>}
 */
public record ConfirmIdentity(@TargetAggregateIdentifier String identityId, String userId, String issuer,
                              String subject) {
}
