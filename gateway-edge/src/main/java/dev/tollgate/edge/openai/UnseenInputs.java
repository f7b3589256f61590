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
 * {@code conversation}), a prompt stored upstream ({@code prompt}, which may carry files and images) and documents an
 * upstream retrieves into the prompt (Azure's {@code data_sources}). Its size is
 * unknown here, but no upstream bills more input for one call than the model's context window: a request carrying it
 * has its prompt reserved at the context window of each model that may answer (GovernedCall), and is refused before
 * anything is reserved when one of them has none configured. Like an image's worst case, the window counts for the
 * reservation only, not against the context window or in the rate limits' estimates.
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
     * {@code id}), and a remote MCP server's tools, whose definitions the upstream imports and bills as input.
     */
    static String inResponses(JsonNode body) {
        for (String field : KEPT_UPSTREAM) {
            if (body.hasNonNull(field)) {
                return field;
            }
        }
        JsonNode input = body.path("input");
        for (int i = 0; i < input.size(); i++) {
            if (isReference(input.get(i))) {
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
     * The refusal of a request with the unseen input {@code param} for {@code model}, which has no context window to
     * bound it.
     */
    static ApiError needsWindow(String param, CatalogModel model) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "unsupported_parameter", param,
                "The model '" + model.name() + "' needs its context-window configured to accept '" + param
                + "': Tollgate cannot see this input (a file, an item by reference, remote tools, or state or a "
                + "prompt the upstream keeps), so it reserves it at the model's context window.");
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
