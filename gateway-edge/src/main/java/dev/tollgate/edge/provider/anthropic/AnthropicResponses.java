package dev.tollgate.edge.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.wire.UsageReader;

/**
 * Anthropic's answers in OpenAI's shapes (pure): a Message as a {@code chat.completion}, its usage as OpenAI's
 * {@code usage}, its {@code stop_reason} as a {@code finish_reason}, its error body as OpenAI's error body.
 */
public final class AnthropicResponses {

    private AnthropicResponses() {
    }

    public static ObjectNode toChatCompletion(JsonNode message, long created, ObjectMapper json) {
        ObjectNode completion = json.createObjectNode()
                .put("id", message.path("id").asText())
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", message.path("model").asText());
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        ObjectNode out = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = json.createArrayNode();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.addObject().put("id", block.path("id").asText()).put("type", "function")
                        .putObject("function").put("name", block.path("name").asText())
                        .put("arguments", block.path("input").isMissingNode() ? "{}" : block.get("input").toString());
                default -> { } // thinking, redacted_thinking, server tool blocks: not part of chat completions
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            out.putNull("content");
        } else {
            out.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            out.set("tool_calls", calls);
        }
        out.putNull("refusal");
        choice.putNull("logprobs");
        String finish = finishReason(message.path("stop_reason").asText(null));
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        ObjectNode usage = usage(message.path("usage"), json);
        if (usage != null) {
            completion.set("usage", usage); // else none: the gateway counts the answer itself
        }
        return completion;
    }

    /**
     * OpenAI's usage for Anthropic's. Anthropic's {@code input_tokens} leaves out the prompt tokens read from or
     * written to its cache; OpenAI's {@code prompt_tokens} counts them all, with the cache reads as
     * {@code prompt_tokens_details.cached_tokens}. {@code null} when Anthropic reported no {@code input_tokens}, or
     * a count that is not believed ({@link UsageReader#count}): no usage, which the gateway counts itself (a usage of
     * zeros would charge the answer nothing).
     */
    public static ObjectNode usage(JsonNode usage, ObjectMapper json) {
        if (!usage.hasNonNull("input_tokens")) {
            return null;
        }
        long input = UsageReader.count(usage.get("input_tokens"));
        long cacheRead = UsageReader.count(usage.get("cache_read_input_tokens"));
        long cacheWrite = UsageReader.count(usage.get("cache_creation_input_tokens"));
        long output = UsageReader.count(usage.get("output_tokens"));
        long prompt = input + cacheRead + cacheWrite;
        if (!UsageReader.believable(input, cacheRead, cacheWrite, output, prompt)) {
            return null;
        }
        ObjectNode out = json.createObjectNode()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", output)
                .put("total_tokens", prompt + output);
        out.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
        out.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return out;
    }

    public static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /**
     * Anthropic's error body ({@code {"type":"error","error":{"type":…,"message":…}}}) in OpenAI's shape, the error
     * type kept as the {@code code}; a body that is not Anthropic's comes back unchanged.
     */
    public static byte[] errorBody(byte[] body, ObjectMapper json) {
        try {
            JsonNode error = json.readTree(body).path("error");
            if (!error.isObject() || !error.has("type")) {
                return body;
            }
            String type = error.get("type").asText();
            ObjectNode out = json.createObjectNode();
            out.putObject("error").put("message", error.path("message").asText(""))
                    .put("type", switch (type) {
                        case "invalid_request_error", "not_found_error", "request_too_large" -> "invalid_request_error";
                        case "authentication_error", "permission_error", "rate_limit_error" -> type;
                        default -> "server_error";
                    })
                    .putNull("param")
                    .put("code", type);
            return json.writeValueAsBytes(out);
        } catch (Exception e) {
            return body;
        }
    }
}
