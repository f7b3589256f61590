package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.spend.Usage;

/**
 * Reads OpenAI's {@code usage} block, and says which token counts an upstream reports are believed: everywhere an
 * upstream's usage is read (whole answers, streams, the responses API, images, Anthropic's translation), a usage with
 * a count that is negative, not an integer, or above {@link #MOST_TOKENS} is no usage at all: Tollgate counts the
 * answer itself, as when the upstream sends none (docs/ledger.md).
 */
public final class UsageReader {

    /**
     * More tokens than one call can report in any count: the largest context windows hold about 10^7 tokens, and a
     * whole embeddings batch (2,048 inputs of 8,192 tokens) under 1.7 × 10^7. A count above it is not believed, and
     * every cost of believed counts fits the ledger's amounts.
     */
    public static final long MOST_TOKENS = 1_000_000_000L;

    /** What {@link #count} answers for a count that is not believed. */
    public static final long UNBELIEVABLE = -1;

    private UsageReader() {
    }

    /**
     * The usage in {@code usage}, or {@code null} when the node holds none, or holds a count that is not believed
     * ({@link #count}).
     */
    public static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.has("prompt_tokens")) {
            return null;
        }
        long prompt = count(usage.get("prompt_tokens"));
        long completion = count(usage.get("completion_tokens"));
        long cached = count(usage.path("prompt_tokens_details").get("cached_tokens"));
        long reasoning = count(usage.path("completion_tokens_details").get("reasoning_tokens"));
        if (usage.get("prompt_tokens").isNull() || !believable(prompt, completion, cached, reasoning)) {
            return null;
        }
        return new Usage(prompt, completion, cached, reasoning);
    }

    /**
     * A token count as an upstream reported it: 0 when absent or {@code null}; {@link #UNBELIEVABLE} when it is not
     * an integer (a fraction, a string, an object), is negative, or is above {@link #MOST_TOKENS} (a number past a
     * long's range included, which {@code asLong} would wrap).
     */
    public static long count(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            return UNBELIEVABLE;
        }
        long count = value.longValue();
        return count < 0 || count > MOST_TOKENS ? UNBELIEVABLE : count;
    }

    /** Whether every one of these counts is believed: none negative nor above {@link #MOST_TOKENS}. */
    public static boolean believable(long... counts) {
        for (long count : counts) {
            if (count < 0 || count > MOST_TOKENS) {
                return false;
            }
        }
        return true;
    }
}
