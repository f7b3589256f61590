package dev.tollgate.projection.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request's tags as the read model can store them. PostgreSQL refuses a NUL in text and in JSONB; the edge refuses
 * tags with one, but an event written before it did may carry one, and it must still load (a replay included): its
 * NUL becomes U+FFFD, the replacement character, rather than stopping the projection on a dead letter.
 */
public final class StoredTags {

    private static final char NUL = '\0';
    private static final char REPLACEMENT = '\uFFFD';

    private StoredTags() {
    }

    /** {@code tags} itself when none has a NUL (every tag written since the edge refused them). */
    public static Map<String, String> of(Map<String, String> tags) {
        if (tags == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().indexOf(NUL) >= 0 || (tag.getValue() != null && tag.getValue().indexOf(NUL) >= 0)) {
                return replaced(tags);
            }
        }
        return tags;
    }

    private static Map<String, String> replaced(Map<String, String> tags) {
        Map<String, String> storable = new LinkedHashMap<>();
        tags.forEach((key, value) -> storable.put(key.replace(NUL, REPLACEMENT),
                value == null ? null : value.replace(NUL, REPLACEMENT)));
        return storable;
    }
}
