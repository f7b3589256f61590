package dev.tollgate.api.spend;

/**
 * Token counts of one answer, as the provider reported them (or as counted when it reported none).
 *
 * @param cachedPromptTokens the part of {@code promptTokens} served from the provider's prompt cache
 * @param reasoningTokens    the part of {@code completionTokens} spent on hidden reasoning
 * @param images             images in the prompt, for models priced per image (kept so a re-costing can redo it);
 *                           with {@code imageVariant}: images generated
 * @param imageVariant       {@code size/quality} of generated images ({@code POST /v1/images/generations}), which
 *                           their price depends on; {@code null} for every other request
 */
public record Usage(long promptTokens, long completionTokens, long cachedPromptTokens, long reasoningTokens,
                    long images, String imageVariant) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    public Usage(long promptTokens, long completionTokens, long cachedPromptTokens, long reasoningTokens) {
        this(promptTokens, completionTokens, cachedPromptTokens, reasoningTokens, 0);
    }

    public Usage(long promptTokens, long completionTokens, long cachedPromptTokens, long reasoningTokens,
                 long images) {
        this(promptTokens, completionTokens, cachedPromptTokens, reasoningTokens, images, null);
    }

    public Usage withImages(long count) {
        return new Usage(promptTokens, completionTokens, cachedPromptTokens, reasoningTokens, count, imageVariant);
    }

    /** The usage of an image generation: {@code count} images of {@code variant} ({@code size/quality}). */
    public Usage withGeneratedImages(long count, String variant) {
        return new Usage(promptTokens, completionTokens, cachedPromptTokens, reasoningTokens, count, variant);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
