package dev.tollgate.api.team;

import java.time.Instant;
import java.util.Set;

public record UserTagsSet(String teamId, String userId, Set<String> tags, Set<String> previousTags, String actor,
                          String reason, Instant at) {
}
