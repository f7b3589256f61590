package dev.tollgate.edge.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An OpenAI chat completion request as a request of Anthropic's Messages API ({@code POST /v1/messages}). Pure: JSON
 * in, JSON out.
 * <ul>
 *   <li>{@code system} and {@code developer} messages become the top-level {@code system} text;</li>
 *   <li>user text and images ({@code image_url} with a data URL or an http(s) URL) become content blocks;</li>
 *   <li>assistant {@code tool_calls} become {@code tool_use} blocks, {@code tool} messages {@code tool_result}
 *       blocks of a user turn; consecutive messages of one role are joined into one turn;</li>
 *   <li>{@code max_completion_tokens} or {@code max_tokens} becomes {@code max_tokens}, which Anthropic requires: the
 *       model's {@code max-output-tokens} when the client set none;</li>
 *   <li>{@code temperature}, {@code top_p}, {@code stop} ({@code stop_sequences}), {@code stream}, {@code tools},
 *       {@code tool_choice}, {@code parallel_tool_calls} and {@code user} ({@code metadata.user_id}) are translated;</li>
 *   <li>{@code n} above 1, {@code response_format} other than text, audio and file parts and {@code logprobs} are
 *       refused ({@link UnsupportedRequest}); other OpenAI-only fields are not sent.</li>
 * </ul>
 */
public final class AnthropicRequests {

    /** Fields Anthropic has no counterpart for, left out without an error (they only tune sampling or output). */
    public static final Set<String> DROPPED = Set.of("frequency_penalty", "presence_penalty", "seed", "logit_bias",
            "stream_options", "metadata", "service_tier", "store", "prediction", "reasoning_effort", "modalities",
            "top_logprobs", "web_search_options", "verbosity");

    private AnthropicRequests() {
    }

    public static ObjectNode toMessages(ObjectNode chat, long defaultMaxTokens, ObjectMapper json) {
        ObjectNode out = json.createObjectNode();
        out.put("model", chat.path("model").asText());
        long maxTokens = chat.hasNonNull("max_completion_tokens") ? chat.get("max_completion_tokens").asLong()
                : chat.hasNonNull("max_tokens") ? chat.get("max_tokens").asLong() : defaultMaxTokens;
        out.put("max_tokens", maxTokens);
        if (chat.path("n").asInt(1) > 1) {
            throw new UnsupportedRequest("n", "Anthropic models answer one choice per request: 'n' must be 1.");
        }
        if (chat.path("logprobs").asBoolean(false)) {
            throw new UnsupportedRequest("logprobs", "Anthropic models do not return log probabilities.");
        }
        String format = chat.path("response_format").path("type").asText("text");
        if (!format.equals("text")) {
            throw new UnsupportedRequest("response_format", "response_format '" + format + "' is not translated "
                    + "to Anthropic's Messages API; describe the format in the prompt or use a tool.");
        }

        List<String> system = new ArrayList<>();
        ArrayNode messages = out.putArray("messages");
        JsonNode input = chat.path("messages");
        for (int i = 0; i < input.size(); i++) {
            JsonNode message = input.get(i);
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> {
                    String text = text(message.get("content"), "messages[" + i + "].content");
                    if (!text.isEmpty()) {
                        system.add(text);
                    }
                }
                case "user" -> append(messages, "user", userBlocks(message.get("content"), i, json), json);
                case "assistant" -> append(messages, "assistant", assistantBlocks(message, i, json), json);
                case "tool" -> {
                    ObjectNode result = json.createObjectNode().put("type", "tool_result")
                            .put("tool_use_id", message.path("tool_call_id").asText());
                    result.put("content", text(message.get("content"), "messages[" + i + "].content"));
                    ArrayNode blocks = json.createArrayNode();
                    blocks.add(result);
                    append(messages, "user", blocks, json);
                }
                default -> throw new UnsupportedRequest("messages[" + i + "].role", "The role '" + role
                        + "' is not translated to Anthropic (system, developer, user, assistant, tool).");
            }
        }
        if (!system.isEmpty()) {
            out.put("system", String.join("\n\n", system));
        }
        if (chat.hasNonNull("temperature")) {
            out.set("temperature", chat.get("temperature"));
        }
        if (chat.hasNonNull("top_p")) {
            out.set("top_p", chat.get("top_p"));
        }
        JsonNode stop = chat.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = out.putArray("stop_sequences");
            if (stop.isTextual()) {
                sequences.add(stop.asText());
            } else {
                stop.forEach(s -> sequences.add(s.asText()));
            }
        }
        if (chat.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        tools(chat, out, json);
        if (chat.path("user").isTextual()) {
            out.putObject("metadata").put("user_id", chat.get("user").asText());
        }
        return out;
    }

    private static void tools(ObjectNode chat, ObjectNode out, ObjectMapper json) {
        JsonNode tools = chat.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode translated = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                if (!tool.path("type").asText("").equals("function")) {
                    throw new UnsupportedRequest("tools[" + i + "].type", "Only function tools are translated "
                            + "to Anthropic.");
                }
                JsonNode function = tool.path("function");
                ObjectNode t = translated.addObject().put("name", function.path("name").asText());
                if (function.hasNonNull("description")) {
                    t.put("description", function.get("description").asText());
                }
                t.set("input_schema", function.hasNonNull("parameters") ? function.get("parameters")
                        : json.createObjectNode().put("type", "object").set("properties", json.createObjectNode()));
            }
        }
        JsonNode choice = chat.get("tool_choice");
        ObjectNode toolChoice = null;
        if (choice != null && choice.isTextual()) {
            toolChoice = json.createObjectNode().put("type", switch (choice.asText()) {
                case "required" -> "any";
                case "none" -> "none";
                default -> "auto";
            });
        } else if (choice != null && choice.isObject()) {
            toolChoice = json.createObjectNode().put("type", "tool")
                    .put("name", choice.path("function").path("name").asText());
        }
        if (chat.has("parallel_tool_calls") && !chat.get("parallel_tool_calls").asBoolean(true)) {
            if (toolChoice == null) {
                toolChoice = json.createObjectNode().put("type", "auto");
            }
            if (!toolChoice.path("type").asText().equals("none")) {
                toolChoice.put("disable_parallel_tool_use", true);
            }
        }
        if (toolChoice != null && out.has("tools")) {
            out.set("tool_choice", toolChoice);
        }
    }

    private static ArrayNode userBlocks(JsonNode content, int i, ObjectMapper json) {
        ArrayNode blocks = json.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        if (!content.isArray()) {
            throw new UnsupportedRequest("messages[" + i + "].content", "A message's content is a string or an "
                    + "array of content parts.");
        }
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText());
                case "image_url" -> blocks.add(image(part.path("image_url").path("url").asText(),
                        "messages[" + i + "].content[" + p + "]", json));
                default -> throw new UnsupportedRequest("messages[" + i + "].content[" + p + "].type",
                        "The content part type '" + type + "' is not translated to Anthropic (text and image_url are).");
            }
        }
        return blocks;
    }

    private static ObjectNode image(String url, String param, ObjectMapper json) {
        ObjectNode block = json.createObjectNode().put("type", "image");
        if (url.startsWith("data:")) {
            int semicolon = url.indexOf(';');
            int comma = url.indexOf(',');
            if (semicolon < 0 || comma < semicolon || !url.substring(semicolon, comma).equals(";base64")) {
                throw new UnsupportedRequest(param, "An image data URL must be data:<media type>;base64,<data>.");
            }
            block.putObject("source").put("type", "base64").put("media_type", url.substring(5, semicolon))
                    .put("data", url.substring(comma + 1));
        } else {
            block.putObject("source").put("type", "url").put("url", url);
        }
        return block;
    }

    private static ArrayNode assistantBlocks(JsonNode message, int i, ObjectMapper json) {
        ArrayNode blocks = json.createArrayNode();
        JsonNode content = message.get("content");
        if (content != null && !content.isNull()) {
            addText(blocks, text(content, "messages[" + i + "].content"));
        }
        JsonNode calls = message.path("tool_calls");
        if (!calls.isMissingNode() && !calls.isNull() && !calls.isArray()) {
            throw new UnsupportedRequest("messages[" + i + "].tool_calls", "A message's tool_calls is an array.");
        }
        for (int c = 0; c < calls.size(); c++) {
            JsonNode call = calls.get(c);
            ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText());
            String arguments = call.path("function").path("arguments").asText("");
            try {
                JsonNode parsed = arguments.isBlank() ? json.createObjectNode() : json.readTree(arguments);
                use.set("input", parsed.isObject() ? parsed : json.createObjectNode());
            } catch (Exception e) {
                throw new UnsupportedRequest("messages[" + i + "].tool_calls[" + c + "].function.arguments",
                        "Tool call arguments must be a JSON object to be sent to Anthropic.");
            }
        }
        return blocks;
    }

    /** A message's text: a string, or its text parts joined. */
    private static String text(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                text.append(part.path("text").asText());
            } else {
                throw new UnsupportedRequest(param, "Only text parts are translated here for Anthropic.");
            }
        }
        return text.toString();
    }

    private static void addText(ArrayNode blocks, String text) {
        if (!text.isEmpty()) { // Anthropic refuses empty text blocks
            blocks.addObject().put("type", "text").put("text", text);
        }
    }

    /** Adds a turn, joined with the previous one when it has the same role (Anthropic expects alternating turns). */
    private static void append(ArrayNode messages, String role, ArrayNode blocks, ObjectMapper json) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && last.path("role").asText().equals(role)) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        messages.addObject().put("role", role).set("content", blocks);
    }
}
