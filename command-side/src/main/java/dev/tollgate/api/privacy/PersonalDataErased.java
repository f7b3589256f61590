package dev.tollgate.api.privacy;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A person's personal data was erased: their key was destroyed, so every {@link PersonalData} component of every
 * event about them reads as {@code null} from now on, and the read tables dropped what they held. The audit trail
 * keeps this fact (who, when, why) and the person's pseudonymous user id, never what was erased.
 */
@Revision("1")
public record PersonalDataErased(String teamId, String userId, String actor, String reason, Instant at) {
}
