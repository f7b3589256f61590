package dev.tollgate.edge.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.Limits;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.errors.JsonInputErrors;
import dev.tollgate.edge.input.InputText;

import java.io.IOException;

/**
 * A chat completion request as the client sent it, checked for what the gateway itself relies on. The JSON tree is
 * kept whole: fields the gateway does not know pass through to the upstream untouched.
 *
 * @param requestedMaxTokens the output tokens per choice the client asked for ({@code null}: not limited)
 * @param clientWantsUsage   {@code stream_options.include_usage} as the client set it
 * @param user               the OpenAI {@code user} field: with a team key, who the request is for
 */
public record ChatRequest(ObjectNode body, String model, boolean stream, boolean clientWantsUsage,
                          Long requestedMaxTokens, int n, String user) {

    public static ChatRequest parse(byte[] bytes, ObjectMapper json) {
        JsonNode tree;
        try {
            tree = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw JsonInputErrors.of(e);
        } catch (IOException e) {
            throw ApiError.invalidRequest("We could not read the body of your request.", null);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiError.invalidRequest("The request body must be a JSON object.", null);
        }
        return of((ObjectNode) tree);
    }

    /** Checks a parsed body: 400 on what the gateway relies on. */
    public static ChatRequest of(ObjectNode body) {

        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw ApiError.invalidRequest("You must provide a model parameter (a string).", "model");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalidRequest("'messages' must be a non-empty array of messages.", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw ApiError.invalidRequest("Each message needs a 'role' (system, user, assistant, tool...).",
                        "messages[" + i + "].role");
            }
            JsonNode content = message.get("content");
            if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                throw ApiError.invalidRequest("A message's 'content' is a string or an array of content parts.",
                        "messages[" + i + "].content");
            }
            UnpricedCosts.refuseAudioInMessage(message, "messages[" + i + "]");
            JsonNode toolCalls = message.get("tool_calls");
            if (toolCalls != null && !toolCalls.isNull() && !toolCalls.isArray()) {
                throw ApiError.invalidRequest("A message's 'tool_calls' is an array.",
                        "messages[" + i + "].tool_calls");
            }
        }
        UnpricedCosts.refuseInChat(body); // and tools' types; tools are counted as text, translated for Anthropic
        JsonNode prediction = body.get("prediction");
        if (prediction != null && !prediction.isNull() && !prediction.path("content").isTextual()
                && !prediction.path("content").isArray()) {
            // its tokens are billed as output when rejected: counted for the worst case (ChatCompletionsRoute)
            throw ApiError.invalidRequest("'prediction.content' is a string or an array of text parts.",
                    "prediction.content");
        }
        if (body.hasNonNull("max_completion_tokens") && body.hasNonNull("max_tokens")) {
            // only one is reserved for and lowered by a clamp: the other would reach the upstream as it was sent
            throw ApiError.invalidRequest("Set 'max_completion_tokens' or 'max_tokens', not both.", "max_tokens");
        }
        String maxTokensField = body.hasNonNull("max_completion_tokens") ? "max_completion_tokens"
                : body.hasNonNull("max_tokens") ? "max_tokens" : null;
        Long requested = null;
        if (maxTokensField != null) {
            JsonNode value = body.get(maxTokensField);
            if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 1) {
                throw ApiError.invalidRequest("'" + maxTokensField + "' must be a positive integer.", maxTokensField);
            }
            requested = value.asLong();
        }
        int n = 1;
        if (body.hasNonNull("n")) {
            JsonNode value = body.get("n");
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1 || value.asInt() > 128) {
                throw ApiError.invalidRequest("'n' must be an integer from 1 to 128.", "n");
            }
            n = value.asInt();
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw ApiError.invalidRequest("'stream' must be true or false.", "stream");
        }
        JsonNode user = body.get("user");
        if (user != null && !user.isNull() && !user.isTextual()) {
            throw ApiError.invalidRequest("'user' must be a string.", "user");
        }
        if (user != null && user.isTextual() && InputText.hasControl(user.asText())) {
            throw ApiError.invalidRequest("'user' must not contain NUL or other control characters.", "user");
        }
        if (user != null && user.isTextual() && user.asText().length() > Limits.REQUEST_USER) {
            throw ApiError.invalidRequest("'user' has at most " + Limits.REQUEST_USER + " characters.", "user");
        }
        return new ChatRequest(body, model.asText(), stream != null && stream.asBoolean(),
                body.path("stream_options").path("include_usage").asBoolean(false), requested, n,
                user == null || user.isNull() || user.asText().isBlank() ? null : user.asText());
    }
}
