package dev.tollgate.api.move;

import dev.tollgate.api.privacy.DataSubject;
import dev.tollgate.api.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Set;

/**
 * A member's move to another team started (in the team they leave). They go on spending here until the new team
 * has admitted them. {@code externalId} is personal data.
 *
 * @param tags the tags they will have in the new team
 */
@Revision("1")
public record UserMoveStarted(String moveId, String teamId, @DataSubject String userId, String toTeamId,
                              @PersonalData String externalId, Set<String> tags, String actor, String reason,
                              Instant at) {

    public UserMoveStarted {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }
}
