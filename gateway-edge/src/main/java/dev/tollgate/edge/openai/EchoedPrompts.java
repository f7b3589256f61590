package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.wire.TokenCounter;

import java.util.ArrayList;
import java.util.List;

/**
 * The prompts a legacy completion with {@code echo: true} repeats at the start of each choice's text: not output,
 * so not counted as output (a prompt is billed as prompt tokens, once). Choice {@code i} echoes prompt
 * {@code i / n} (a batch's choices come prompt by prompt, {@code n} each). A prompt given as text is echoed as it
 * was sent. A prompt given as token ids is echoed in the upstream's own decoding of them: Tollgate decodes them with
 * its tokenizer (o200k, the one every count here is made with), and where the choice's text begins with that text
 * it is the echo, taken off exactly as a text prompt's is.
 * <p>
 * What is not taken off stays counted as output, so that the output counted is never below what the upstream bills:
 * a text that does not begin as its prompt does, and the echo of ids decoded otherwise (another tokenizer: OpenAI's
 * completion models read cl100k, a vLLM server its model's own). Such an echo cannot be told apart from the output
 * that follows it, nor bounded from the number of ids (a token of another tokenizer may hold any number of o200k
 * tokens), so no limit on the output counted can hold a stream carrying one to its grant without cutting honest
 * streams (16 tokens when the request sets no {@code max_tokens}: any echo of more than 16 ids): {@link #heldToGrant}
 * turns false and the stream is not stopped at its grant. Its cost is still the upstream's usage, or, without one,
 * the text counted whole. Subtracting the number of ids from the count instead would be exact only for an upstream
 * that tokenizes as o200k (where the decoding already matches) and would count below the bill wherever o200k needs
 * fewer tokens for the echo than the upstream's tokenizer does.
 * <p>
 * One instance per answer or stream: it follows each choice's echo across the chunks it comes in.
 */
final class EchoedPrompts {

    /** Each prompt's text as echoed; {@code null}: ids that are not in Tollgate's vocabulary. */
    private final List<String> prompts;
    /** Whether each prompt was given as token ids (echoed in the upstream's decoding). */
    private final List<Boolean> asIds;
    private final int perPrompt;
    /** Per choice: how much of its prompt was passed so far; its prompt's length once passed or given up. */
    private final int[] passed;
    private boolean heldToGrant = true;

    private EchoedPrompts(List<String> prompts, List<Boolean> asIds, int perPrompt) {
        this.prompts = prompts;
        this.asIds = asIds;
        this.perPrompt = perPrompt;
        this.passed = new int[prompts.size() * perPrompt];
    }

    /** The echo of a request: {@code null} when it does not ask for one. */
    static EchoedPrompts of(JsonNode body, int n, TokenCounter tokens) {
        if (!body.path("echo").asBoolean(false)) {
            return null;
        }
        JsonNode prompt = body.path("prompt");
        List<String> texts = new ArrayList<>();
        List<Boolean> asIds = new ArrayList<>();
        if (prompt.isTextual()) {
            texts.add(prompt.asText());
            asIds.add(false);
        } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
            texts.add(tokens.decode(prompt)); // one prompt of token ids
            asIds.add(true);
        } else {
            prompt.forEach(item -> {
                texts.add(item.isTextual() ? item.asText() : tokens.decode(item));
                asIds.add(!item.isTextual());
            });
        }
        return new EchoedPrompts(texts, asIds, n);
    }

    /**
     * Whether the output counted so far can be held to the tokens granted: false once a choice echoes token ids in a
     * decoding Tollgate does not know (its echo is counted as output, and would cut the stream).
     */
    boolean heldToGrant() {
        return heldToGrant;
    }

    /** The part of {@code text}, the next piece of choice {@code index}'s text, that follows its echoed prompt. */
    String after(int index, String text) {
        if (index < 0 || index >= passed.length) {
            return text;
        }
        String prompt = prompts.get(index / perPrompt);
        if (prompt == null) {
            heldToGrant = false; // ids Tollgate cannot decode: the echo is not known, all counted
            return text;
        }
        int at = passed[index];
        int rest = prompt.length() - at;
        if (rest <= 0) {
            return text;
        }
        if (!prompt.regionMatches(at, text, 0, Math.min(rest, text.length()))) {
            passed[index] = prompt.length(); // not the echo expected: all counted from here
            if (asIds.get(index / perPrompt)) {
                heldToGrant = false; // ids decoded otherwise upstream
            }
            return text;
        }
        if (text.length() < rest) {
            passed[index] = at + text.length();
            return "";
        }
        passed[index] = prompt.length();
        return text.substring(rest);
    }
}
