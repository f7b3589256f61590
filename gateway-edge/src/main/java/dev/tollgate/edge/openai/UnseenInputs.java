package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.wire.TokenCounter;
import org.springframework.http.HttpStatus;

import java.util.List;
import java.util.Map;

/**
 * Input an upstream reads and bills that Tollgate cannot see: a file (chat's {@code file} part, the Responses API's
 * {@code input_file}, by id, URL or inline data), the state the upstream keeps ({@code previous_response_id},
 * {@code conversation}), a prompt stored upstream ({@code prompt}, which may carry files and images), reasoning
 * passed back by id or encrypted ({@link #isHiddenReasoning}) and documents an upstream retrieves into the prompt
 * (Azure's {@code data_sources}). Its size is unknown here, but no upstream bills more input for one call than the
 * model's context window: a request carrying it has its prompt reserved at the context window of each model that may
 * answer (GovernedCall), and is refused before anything is reserved when one of them has none configured. Like an
 * image's worst case, the window counts for the reservation only, not against the context window or in the rate
 * limits' estimates.
 */
final class UnseenInputs {

    /** The Responses fields naming input kept upstream, in the order they are looked at. */
    private static final List<String> KEPT_UPSTREAM = List.of("previous_response_id", "conversation", "prompt");

    private UnseenInputs() {
    }

    /**
     * The first unseen input of a chat completion request, as a {@code param}; {@code null}: none. A file part, or
     * Azure's {@code data_sources} ("On Your Data"): the documents it retrieves are added to the prompt and billed
     * as prompt tokens.
     */
    static String inChat(JsonNode body) {
        if (body.hasNonNull("data_sources")) {
            return "data_sources";
        }
        String file = fileIn(body.path("messages"));
        return file == null ? null : GovernedCall.bounded("messages" + file);
    }

    /**
     * The first unseen input of a Responses request, as a {@code param}; {@code null}: none. Besides files: state
     * kept upstream, an input item given by reference ({@code item_reference}, or an item that is only an
     * {@code id}), a reasoning item whose reasoning the request does not carry ({@link #isHiddenReasoning}), and a
     * remote MCP server's tools, whose definitions the upstream imports and bills as input.
     */
    static String inResponses(JsonNode body) {
        for (String field : KEPT_UPSTREAM) {
            if (body.hasNonNull(field)) {
                return field;
            }
        }
        JsonNode input = body.path("input");
        for (int i = 0; i < input.size(); i++) {
            if (isReference(input.get(i)) || isHiddenReasoning(input.get(i))) {
                return "input[" + i + "]";
            }
        }
        JsonNode tools = body.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            if ("mcp".equals(tools.get(i).path("type").asText())) {
                return "tools[" + i + "]";
            }
        }
        String file = fileIn(input);
        return file == null ? null : GovernedCall.bounded("input" + file);
    }

    /** An input item the upstream looks up by its id: {@code item_reference}, or an item without a type. */
    private static boolean isReference(JsonNode item) {
        JsonNode type = item.get("type");
        return item.isObject() && ("item_reference".equals(type == null ? null : type.asText())
                || (type == null && item.has("id") && !item.has("content") && !item.has("role")));
    }

    /**
     * A reasoning item passed back whose reasoning the upstream reads as input while the request shows at most its
     * summary (the only text of it Tollgate counts): one with an {@code id}, or with {@code encrypted_content}.
     * <p>
     * By id and without {@code encrypted_content}: the reasoning was stored upstream ({@code store: true}) and is
     * looked up by its id, like an {@code item_reference}; the upstream bills what it puts back in the context.
     * <p>
     * With {@code encrypted_content} the client sends the reasoning itself, encrypted. OpenAI's reasoning guide and its
     * cookbook ("Better performance from reasoning models using the Responses API", "Encrypted reasoning items") say
     * the blob is decrypted in memory and used to generate the response exactly as a stored reasoning item would be,
     * and that the reasoning items of the current turn (those between the last user message and a function call's
     * output) are kept in the model's context, only those of earlier turns being dropped. They do not put the billing
     * in so many words, but what the model reads as its context is what {@code input_tokens} counts (usage published
     * by users shows a turn's input growing by the reasoning tokens of the call before), so those reasoning tokens
     * are billed again, as input. The blob is an opaque, undocumented encryption of that reasoning (a Fernet token in
     * base64): nothing ties its length to the tokens it holds, so its count as text here may be below what is billed
     * for it, and whether the upstream keeps or drops the item depends on the turn, which Tollgate does not follow.
     * It is unseen input too.
     * <p>
     * A reasoning item with neither field holds nothing the upstream can recover beyond the summary and reasoning
     * text it carries, which are counted as text.
     */
    private static boolean isHiddenReasoning(JsonNode item) {
        return item.isObject() && "reasoning".equals(item.path("type").asText(""))
                && (item.hasNonNull("id") || item.hasNonNull("encrypted_content"));
    }

    /**
     * The refusal of a request with the unseen input {@code param} for {@code model}, which has no context window to
     * bound it.
     */
    static ApiError needsWindow(String param, CatalogModel model) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "unsupported_parameter", param,
                "The model '" + model.name() + "' needs its context-window configured to accept '" + param
                + "': Tollgate cannot see this input (a file, an item by reference, reasoning passed back by id or "
                + "encrypted, remote tools, or state or a prompt the upstream keeps), so it reserves it at the "
                + "model's context window.");
    }

    /** Where the first file in {@code node} is ({@code ""}: {@code node} itself, {@code "[2].content[0]"}...). */
    private static String fileIn(JsonNode node) {
        if (TokenCounter.isFile(node)) {
            return "";
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String below = fileIn(node.get(i));
                if (below != null) {
                    return "[" + i + "]" + below;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String below = fileIn(field.getValue());
                if (below != null) {
                    return "." + field.getKey() + below;
                }
            }
        }
        return null;
    }
}
