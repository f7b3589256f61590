package dev.tollgate.api.team;

import dev.tollgate.api.privacy.DataSubject;
import dev.tollgate.api.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/** A member left their team. {@code externalId} is personal data ({@code null} once the user was erased). */
@Revision("1")
public record UserRemoved(String teamId, @DataSubject String userId, @PersonalData String externalId, String actor,
                          String reason, Instant at) {
}
