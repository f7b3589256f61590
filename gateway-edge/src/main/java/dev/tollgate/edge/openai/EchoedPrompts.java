package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The prompts a legacy completion with {@code echo: true} repeats at the start of each choice's text: not output,
 * so not counted as output (a prompt is billed as prompt tokens, once). Choice {@code i} echoes prompt
 * {@code i / n} (a batch's choices come prompt by prompt, {@code n} each). Its text is known for a prompt given as
 * text; a prompt given as token ids is echoed in the upstream's own decoding, which Tollgate cannot know: that
 * choice's text is all counted. A text that does not begin as its prompt does is all counted too (never less).
 * One instance per answer or stream: it follows each choice's echo across the chunks it comes in.
 */
final class EchoedPrompts {

    private final List<String> prompts;
    private final int perPrompt;
    /** Per choice: how much of its prompt was passed so far; its prompt's length once passed or given up. */
    private final int[] passed;

    private EchoedPrompts(List<String> prompts, int perPrompt) {
        this.prompts = prompts;
        this.perPrompt = perPrompt;
        this.passed = new int[prompts.size() * perPrompt];
    }

    /** The echo of a request: {@code null} when it does not ask for one. */
    static EchoedPrompts of(JsonNode body, int n) {
        if (!body.path("echo").asBoolean(false)) {
            return null;
        }
        JsonNode prompt = body.path("prompt");
        List<String> texts = new ArrayList<>();
        if (prompt.isTextual()) {
            texts.add(prompt.asText());
        } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
            texts.add(null); // one prompt of token ids
        } else {
            prompt.forEach(item -> texts.add(item.isTextual() ? item.asText() : null));
        }
        return new EchoedPrompts(texts, n);
    }

    /** The part of {@code text}, the next piece of choice {@code index}'s text, that follows its echoed prompt. */
    String after(int index, String text) {
        if (index < 0 || index >= passed.length || prompts.get(index / perPrompt) == null) {
            return text;
        }
        String prompt = prompts.get(index / perPrompt);
        int at = passed[index];
        int rest = prompt.length() - at;
        if (rest <= 0) {
            return text;
        }
        if (!prompt.regionMatches(at, text, 0, Math.min(rest, text.length()))) {
            passed[index] = prompt.length(); // not the echo expected: all counted from here
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
