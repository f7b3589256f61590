package dev.tollgate.api.team;

import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Set;

@Revision("1")
public record UserTagsSet(String teamId, String userId, Set<String> tags, Set<String> previousTags, String actor,
                          String reason, Instant at) {
}
