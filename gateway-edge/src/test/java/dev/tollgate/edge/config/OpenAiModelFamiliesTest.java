package dev.tollgate.edge.config;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The context windows of OpenAI's known families, by the upstream model's name. */
class OpenAiModelFamiliesTest {

    @Test
    void aKnownFamilyAndItsDatedOrSizedVariantsGetTheFamilysPublishedContextWindow() {
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4o-mini")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4o-2024-08-06")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4.1-nano-2025-04-14")).hasValue(1_047_576);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4.1-mini")).hasValue(1_047_576);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-5")).hasValue(400_000);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-5-mini-2025-08-07")).hasValue(400_000);
        assertThat(OpenAiModelFamilies.contextWindow("o1")).hasValue(200_000);
        assertThat(OpenAiModelFamilies.contextWindow("o3-mini")).hasValue(200_000);
        assertThat(OpenAiModelFamilies.contextWindow("o3-pro")).hasValue(200_000);
        assertThat(OpenAiModelFamilies.contextWindow("o4-mini")).hasValue(200_000);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-3.5-turbo")).hasValue(16_385);
        assertThat(OpenAiModelFamilies.contextWindow("codex-mini-latest")).hasValue(200_000);
    }

    @Test
    void theLongestMatchingFamilyWinsSoAVariantWithItsOwnWindowIsNotReadAsItsShorterFamily() {
        assertThat(OpenAiModelFamilies.contextWindow("gpt-5-chat-latest")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("o1-mini")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("o1-preview-2024-09-12")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4-turbo-2024-04-09")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4-1106-preview")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4-32k-0613")).hasValue(32_768);
    }

    @Test
    void gpt4IsItsOwnNameAndItsDatesNotEveryNameThatStartsWithIt() {
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4")).hasValue(8_192);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4-0613")).hasValue(8_192);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4o")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4.1")).hasValue(1_047_576);
        assertThat(OpenAiModelFamilies.contextWindow("gpt-4.5-preview"))
                .as("a later version is not assumed to keep gpt-4's window").isEmpty();
        assertThat(OpenAiModelFamilies.contextWindow("gpt-5.1")).isEmpty();
        assertThat(OpenAiModelFamilies.contextWindow("o10")).isEmpty();
    }

    @Test
    void anUnknownNameHasNoContextWindow() {
        assertThat(OpenAiModelFamilies.contextWindow("llama3.1:8b")).isEmpty();
        assertThat(OpenAiModelFamilies.contextWindow("claude-sonnet-4-5")).isEmpty();
        assertThat(OpenAiModelFamilies.contextWindow("anthropic/claude-sonnet-4.5")).isEmpty();
        assertThat(OpenAiModelFamilies.contextWindow((String) null)).isEmpty();
    }

    @Test
    void aModelBehindARoutersOpenAiPrefixKeepsTheDefaultsThatKeepBudgetsSafe() {
        assertThat(OpenAiModelFamilies.contextWindow("openai/o3")).hasValue(200_000);
        assertThat(OpenAiModelFamilies.contextWindow("openai", "openai/gpt-4o-mini")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.hidesReasoning("openai/o3")).isTrue();
        assertThat(OpenAiModelFamilies.hidesReasoning("openai/gpt-5-chat-latest")).isFalse();
        assertThat(OpenAiModelFamilies.isWebSearch("openai/gpt-4o-search-preview")).isTrue();
        assertThat(OpenAiModelFamilies.maxImageTokens("openai/gpt-4o-mini")).hasValue(48_169);
        assertThat(OpenAiModelFamilies.isReasoning("openai/o3"))
                .as("the output limit's field: the router takes max_tokens and translates it").isFalse();
        assertThat(OpenAiModelFamilies.hidesReasoning("deepseek/o3-like")).isFalse();
    }

    @Test
    void onlyOpenAiAndAzureDeploymentsServeOpenAisFamiliesAndAzuresGpt4MayBeALaterVersion() {
        assertThat(OpenAiModelFamilies.contextWindow("openai", "o3")).hasValue(200_000);
        assertThat(OpenAiModelFamilies.contextWindow("azure", "gpt-4o")).hasValue(128_000);
        assertThat(OpenAiModelFamilies.contextWindow("anthropic", "gpt-4o")).isEmpty();
        assertThat(OpenAiModelFamilies.contextWindow("mock", "gpt-4o")).isEqualTo(OptionalLong.empty());
        assertThat(OpenAiModelFamilies.contextWindow("openai", "gpt-4")).hasValue(8_192);
        assertThat(OpenAiModelFamilies.contextWindow("azure", "gpt-4"))
                .as("Azure serves gpt-4 turbo-2024-04-09 (128,000) under the name gpt-4").isEmpty();
        assertThat(OpenAiModelFamilies.contextWindow("azure", "gpt-4-turbo")).hasValue(128_000);
    }
}
