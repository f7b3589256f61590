package dev.tollgate.edge.config;

import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What Tollgate knows of OpenAI's model families by their names, for defaults that keep budgets safe where an
 * operator's configuration says nothing (the output limit's field, and what the LiteLLM import writes). The values
 * are those of docs/configuration.md, "Images in prompts".
 */
public final class OpenAiModelFamilies {

    /** OpenAI's reasoning models (o1, o3, o4-mini, gpt-5...): they refuse max_tokens and do not stream reasoning. */
    private static final Pattern REASONING = Pattern.compile("o\\d|gpt-5");

    /** The most prompt tokens one image counts for, by family; the longest prefix first. */
    private record ImageTokens(String prefix, long tokens) {
    }

    private static final List<ImageTokens> IMAGE_TOKENS = List.of(
            new ImageTokens("gpt-4o-mini", 48_169),
            new ImageTokens("gpt-4.1-mini", 2_489),
            new ImageTokens("gpt-4.1-nano", 3_779),
            new ImageTokens("o4-mini", 2_642),
            new ImageTokens("gpt-4o", 1_445));

    private OpenAiModelFamilies() {
    }

    /** Whether deployments of {@code provider} serve OpenAI's own models under OpenAI's names. */
    public static boolean servesOpenAiModels(String provider) {
        return "openai".equals(provider) || "azure".equals(provider);
    }

    /**
     * Whether {@code upstreamModel} names one of OpenAI's reasoning models as OpenAI and Azure name them (a name
     * behind a router's prefix, such as OpenRouter's {@code openai/o3}, is that router's to translate).
     */
    public static boolean isReasoning(String upstreamModel) {
        return upstreamModel != null && REASONING.matcher(upstreamModel).lookingAt();
    }

    /**
     * Whether {@code upstreamModel} reasons before it answers without streaming its reasoning: a reasoning model
     * ({@link #isReasoning}) other than the chat variants ({@code gpt-5-chat-latest}) and search models, which answer
     * directly though their names match.
     */
    public static boolean hidesReasoning(String upstreamModel) {
        return isReasoning(upstreamModel) && !upstreamModel.contains("-chat") && !isWebSearch(upstreamModel);
    }

    /**
     * Whether {@code upstreamModel} is one of OpenAI's search models ({@code gpt-4o-search-preview},
     * {@code gpt-4o-mini-search-preview}, {@code gpt-5-search-api}...): every chat completion of theirs searches the
     * web, billed per call beside the tokens and absent from the usage.
     */
    public static boolean isWebSearch(String upstreamModel) {
        return upstreamModel != null && upstreamModel.startsWith("gpt-") && upstreamModel.contains("-search-");
    }

    /** The most prompt tokens one image counts for on {@code upstreamModel}; empty when its family is not known. */
    public static OptionalLong maxImageTokens(String upstreamModel) {
        if (upstreamModel != null) {
            for (ImageTokens family : IMAGE_TOKENS) {
                if (upstreamModel.startsWith(family.prefix())) {
                    return OptionalLong.of(family.tokens());
                }
            }
        }
        return OptionalLong.empty();
    }
}
