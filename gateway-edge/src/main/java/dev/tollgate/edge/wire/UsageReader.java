package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.spend.Usage;

/** Reads OpenAI's {@code usage} block. */
public final class UsageReader {

    private UsageReader() {
    }

    /** The usage in {@code usage}, or {@code null} when the node holds none. */
    public static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.has("prompt_tokens")) {
            return null;
        }
        return new Usage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
    }
}
