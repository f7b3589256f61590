package dev.tollgate.edge.config;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What Tollgate knows of OpenAI's model families by their names, for defaults that keep budgets safe where an
 * operator's configuration says nothing (the output limit's field, the context window, and what the LiteLLM import
 * writes). The values are those of docs/configuration.md, "Images in prompts" and "Context windows of OpenAI's
 * models".
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

    /**
     * A family's context window, in tokens, as OpenAI publishes it (prompt and answer together).
     *
     * @param family      the name, or the start of the name before a {@code -} (a date, a variant)
     * @param tokens      its window
     * @param sameOnAzure whether a deployment of that name at Azure reads the same: Azure serves gpt-4's later
     *                    versions (1106-Preview, 0125-Preview, vision-preview, turbo-2024-04-09: 128,000 tokens) under
     *                    the model name gpt-4 and upgrades a deployment's version in place, so a deployment named
     *                    gpt-4 may read far more than gpt-4's 8,192
     */
    private record ContextWindow(String family, long tokens, boolean sameOnAzure) {
    }

    /**
     * The context windows of OpenAI's families, the longest family first so that a family wins over a shorter one it
     * starts with (gpt-4-turbo over gpt-4). A family matches its own name and the names that continue it after a
     * {@code -} (gpt-4 matches gpt-4-0613, not gpt-4o, gpt-4.1 or gpt-4.5-preview): a window read too small would
     * send prompts the model reads to context-window fallbacks, or refuse them, so a name of a family not listed
     * here, a later version included (gpt-5.1...), has no default. Where a family's versions differ, its value is the
     * largest of them (gpt-3.5-turbo's 16,385, though its 0613 read 4,096; the search, audio and realtime variants of
     * gpt-4o take gpt-4o's): too large only reserves more for input Tollgate cannot see.
     */
    private static final List<ContextWindow> CONTEXT_WINDOWS = Stream.of(
                    new ContextWindow("gpt-5-chat-latest", 128_000, true),
                    new ContextWindow("gpt-5", 400_000, true),
                    new ContextWindow("gpt-4.1", 1_047_576, true),
                    new ContextWindow("gpt-4o", 128_000, true),
                    new ContextWindow("gpt-4-turbo", 128_000, true),
                    new ContextWindow("gpt-4-1106", 128_000, true),
                    new ContextWindow("gpt-4-0125", 128_000, true),
                    new ContextWindow("gpt-4-vision", 128_000, true),
                    new ContextWindow("gpt-4-32k", 32_768, true),
                    new ContextWindow("gpt-4", 8_192, false),
                    new ContextWindow("gpt-3.5-turbo", 16_385, true),
                    new ContextWindow("o1-mini", 128_000, true),
                    new ContextWindow("o1-preview", 128_000, true),
                    new ContextWindow("o1", 200_000, true),
                    new ContextWindow("o3", 200_000, true),
                    new ContextWindow("o4-mini", 200_000, true),
                    new ContextWindow("codex-mini-latest", 200_000, true))
            .sorted(Comparator.comparingInt((ContextWindow w) -> w.family().length()).reversed())
            .toList();

    private OpenAiModelFamilies() {
    }

    /** Whether deployments of {@code provider} serve OpenAI's own models under OpenAI's names. */
    public static boolean servesOpenAiModels(String provider) {
        return "openai".equals(provider) || "azure".equals(provider);
    }

    /** How a router (OpenRouter, LiteLLM) names OpenAI's models: {@code openai/o3}. */
    private static final String ROUTER_PREFIX = "openai/";

    /**
     * Whether {@code upstreamModel} names one of OpenAI's reasoning models as OpenAI and Azure name them. This decides
     * the output limit's field, so a name behind a router's prefix, such as OpenRouter's {@code openai/o3}, is not
     * one: the router takes {@code max_tokens} and translates it.
     */
    public static boolean isReasoning(String upstreamModel) {
        return upstreamModel != null && REASONING.matcher(upstreamModel).lookingAt();
    }

    /**
     * The name of one of OpenAI's models as OpenAI names it: {@code upstreamModel} itself, or what follows a router's
     * {@code openai/}. What a model reads, bills and hides is the same behind a router, so the defaults that keep
     * budgets safe (hidden reasoning, search fees, image tokens, context windows) apply there too.
     */
    private static String openAiName(String upstreamModel) {
        return upstreamModel != null && upstreamModel.startsWith(ROUTER_PREFIX)
                ? upstreamModel.substring(ROUTER_PREFIX.length()) : upstreamModel;
    }

    /**
     * Whether {@code upstreamModel} reasons before it answers without streaming its reasoning: a reasoning model
     * ({@link #isReasoning}) other than the chat variants ({@code gpt-5-chat-latest}) and search models, which answer
     * directly though their names match.
     */
    public static boolean hidesReasoning(String upstreamModel) {
        String name = openAiName(upstreamModel);
        return isReasoning(name) && !name.contains("-chat") && !isWebSearch(name);
    }

    /**
     * Whether {@code upstreamModel} is one of OpenAI's search models ({@code gpt-4o-search-preview},
     * {@code gpt-4o-mini-search-preview}, {@code gpt-5-search-api}...): every chat completion of theirs searches the
     * web, billed per call beside the tokens and absent from the usage.
     */
    public static boolean isWebSearch(String upstreamModel) {
        String name = openAiName(upstreamModel);
        return name != null && name.startsWith("gpt-") && name.contains("-search-");
    }

    /** The most prompt tokens one image counts for on {@code upstreamModel}; empty when its family is not known. */
    public static OptionalLong maxImageTokens(String upstreamModel) {
        String name = openAiName(upstreamModel);
        if (name != null) {
            for (ImageTokens family : IMAGE_TOKENS) {
                if (name.startsWith(family.prefix())) {
                    return OptionalLong.of(family.tokens());
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The context window of {@code upstreamModel} as OpenAI names it at its API, or behind a router's
     * {@code openai/}; empty when its family is not known.
     */
    public static OptionalLong contextWindow(String upstreamModel) {
        ContextWindow family = contextWindowFamily(upstreamModel);
        return family == null ? OptionalLong.empty() : OptionalLong.of(family.tokens());
    }

    /**
     * The context window of {@code upstreamModel} at a deployment of {@code provider}: {@link #contextWindow(String)}
     * at an {@code openai} or {@code azure} deployment, except a name Azure serves versions of different windows
     * under (gpt-4); empty for any other provider, whose names are its own.
     */
    public static OptionalLong contextWindow(String provider, String upstreamModel) {
        if (!servesOpenAiModels(provider)) {
            return OptionalLong.empty();
        }
        ContextWindow family = contextWindowFamily(upstreamModel);
        if (family == null || ("azure".equals(provider) && !family.sameOnAzure())) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(family.tokens());
    }

    private static ContextWindow contextWindowFamily(String upstreamModel) {
        String model = openAiName(upstreamModel);
        if (model != null) {
            for (ContextWindow family : CONTEXT_WINDOWS) {
                String name = family.family();
                if (model.startsWith(name)
                        && (model.length() == name.length() || model.charAt(name.length()) == '-')) {
                    return family;
                }
            }
        }
        return null;
    }
}
