package dev.tollgate.api.spend;

/**
 * Token counts of one answer, as the provider reported them (or as counted when it reported none).
 *
 * @param cachedPromptTokens the part of {@code promptTokens} served from the provider's prompt cache
 * @param reasoningTokens    the part of {@code completionTokens} spent on hidden reasoning
 */
public record Usage(long promptTokens, long completionTokens, long cachedPromptTokens, long reasoningTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
