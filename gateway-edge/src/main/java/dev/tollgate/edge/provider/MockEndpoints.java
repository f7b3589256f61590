package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.wire.SseEvents;
import dev.tollgate.edge.wire.TokenCounter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The built-in mock's answers to the OpenAI routes other than chat completions: {@code /completions},
 * {@code /embeddings}, {@code /images/generations} and {@code /responses} (whole or streamed). Every answer is a
 * function of the request alone, with usage counted by the same tokenizer as the gateway's estimates, so the demo
 * shows real, repeatable costs.
 */
final class MockEndpoints {

    /** A 1×1 transparent PNG: what the mock "generates". */
    static final String PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    /** Dimensions of a mock embedding unless the request asks for others. */
    static final int EMBEDDING_DIMENSIONS = 16;

    private final ObjectMapper json;
    private final TokenCounter tokens;
    private final String answer;
    private final int answerTokens;

    MockEndpoints(ObjectMapper json, TokenCounter tokens, String answer, int answerTokens) {
        this.json = json;
        this.tokens = tokens;
        this.answer = answer;
        this.answerTokens = answerTokens;
    }

    ObjectNode answer(CatalogModel model, String path, ObjectNode body) {
        return switch (path) {
            case "/completions" -> completion(body);
            case "/embeddings" -> embeddings(body);
            case "/images/generations" -> images(body);
            case "/responses" -> response(model, body, "completed");
            default -> throw ChatProvider.unsupported(model, path);
        };
    }

    List<byte[]> stream(CatalogModel model, String path, ObjectNode body) {
        return switch (path) {
            case "/responses" -> responseEvents(model, body);
            case "/completions" -> completionEvents(body);
            default -> throw ChatProvider.unsupported(model, path);
        };
    }

    // ------------------------------------------------------------------ completions

    private ObjectNode completion(ObjectNode body) {
        List<String> prompts = prompts(body.get("prompt"));
        int n = Math.max(1, body.path("n").asInt(1));
        String text = text(body.path("max_tokens"));
        ObjectNode completion = json.createObjectNode().put("id", "cmpl-mock").put("object", "text_completion")
                .put("created", 1_700_000_000L).put("model", body.path("model").asText());
        ArrayNode choices = completion.putArray("choices");
        for (int i = 0; i < prompts.size() * n; i++) {
            choices.addObject().put("text", text).put("index", i).putNull("logprobs")
                    .put("finish_reason", finishReason(body.path("max_tokens")));
        }
        completion.set("usage", completionUsage(prompts, choices.size(), text));
        return completion;
    }

    private List<byte[]> completionEvents(ObjectNode body) {
        List<String> prompts = prompts(body.get("prompt"));
        int n = Math.max(1, body.path("n").asInt(1));
        String text = text(body.path("max_tokens"));
        String model = body.path("model").asText();
        List<byte[]> events = new ArrayList<>();
        int choices = prompts.size() * n;
        for (int i = 0; i < choices; i++) {
            for (String piece : text.split("(?<= )")) {
                events.add(SseEvents.data(json, completionChunk(model, i, piece, null)));
            }
            events.add(SseEvents.data(json, completionChunk(model, i, "", finishReason(body.path("max_tokens")))));
        }
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode last = json.createObjectNode().put("id", "cmpl-mock").put("object", "text_completion")
                    .put("created", 1_700_000_000L).put("model", model);
            last.putArray("choices");
            last.set("usage", completionUsage(prompts, choices, text));
            events.add(SseEvents.data(json, last));
        }
        events.add(SseEvents.DONE);
        return events;
    }

    private ObjectNode completionChunk(String model, int index, String text, String finishReason) {
        ObjectNode chunk = json.createObjectNode().put("id", "cmpl-mock").put("object", "text_completion")
                .put("created", 1_700_000_000L).put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("text", text).put("index", index);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private ObjectNode completionUsage(List<String> prompts, int choices, String text) {
        long prompt = prompts.stream().mapToLong(tokens::text).sum();
        long completion = tokens.text(text) * choices;
        return json.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    private List<String> prompts(JsonNode prompt) {
        List<String> prompts = new ArrayList<>();
        if (prompt == null || prompt.isNull()) {
            prompts.add("");
        } else if (prompt.isTextual()) {
            prompts.add(prompt.asText());
        } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isNumber()) {
            prompts.add(prompt.toString()); // one prompt of token ids: counted as its text, close enough for a mock
        } else {
            prompt.forEach(p -> prompts.add(p.isTextual() ? p.asText() : p.toString()));
        }
        return prompts;
    }

    // ------------------------------------------------------------------ embeddings

    private ObjectNode embeddings(ObjectNode body) {
        JsonNode input = body.path("input");
        List<String> inputs = new ArrayList<>();
        long promptTokens = 0;
        if (input.isTextual()) {
            inputs.add(input.asText());
            promptTokens = tokens.text(input.asText());
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) {
            inputs.add(input.toString());
            promptTokens = input.size();
        } else {
            for (JsonNode item : input) {
                inputs.add(item.isTextual() ? item.asText() : item.toString());
                promptTokens += item.isArray() ? item.size() : tokens.text(item.asText());
            }
        }
        int dimensions = body.path("dimensions").canConvertToInt() && body.path("dimensions").asInt() > 0
                ? Math.min(body.get("dimensions").asInt(), 4096) : EMBEDDING_DIMENSIONS;
        boolean base64 = body.path("encoding_format").asText("float").equals("base64");
        ObjectNode answer = json.createObjectNode().put("object", "list");
        ArrayNode data = answer.putArray("data");
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = vector(inputs.get(i), dimensions);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : vector) {
                    bytes.putFloat(v);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
        }
        answer.put("model", body.path("model").asText());
        answer.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return answer;
    }

    /** A unit vector that depends only on the text (a seeded generator: same text, same vector). */
    private static float[] vector(String text, int dimensions) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(text.hashCode());
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (random.nextDouble() * 2 - 1);
            norm += vector[i] * vector[i];
        }
        float scale = (float) (1 / Math.sqrt(norm == 0 ? 1 : norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    // ------------------------------------------------------------------ images

    private ObjectNode images(ObjectNode body) {
        int n = Math.max(1, body.path("n").asInt(1));
        boolean base64 = body.path("response_format").asText("url").equals("b64_json");
        ObjectNode answer = json.createObjectNode().put("created", 1_700_000_000L);
        ArrayNode data = answer.putArray("data");
        for (int i = 0; i < n; i++) {
            ObjectNode image = data.addObject();
            if (base64) {
                image.put("b64_json", PNG_BASE64);
            } else {
                image.put("url", "data:image/png;base64," + PNG_BASE64);
            }
            image.put("revised_prompt", body.path("prompt").asText(""));
        }
        return answer;
    }

    // ------------------------------------------------------------------ responses

    private ObjectNode response(CatalogModel model, ObjectNode body, String status) {
        String text = text(body.path("max_output_tokens"));
        ObjectNode response = responseShell(body, status);
        ObjectNode message = response.withArray("output").addObject().put("type", "message").put("id", "msg_mock")
                .put("status", "completed").put("role", "assistant");
        message.putArray("content").add(outputText(text));
        response.set("usage", responseUsage(model, body, text));
        return response;
    }

    private ObjectNode responseShell(ObjectNode body, String status) {
        ObjectNode response = json.createObjectNode().put("id", "resp_mock").put("object", "response")
                .put("created_at", 1_700_000_000L).put("status", status);
        response.putNull("error");
        response.putNull("incomplete_details");
        response.set("instructions", body.has("instructions") ? body.get("instructions") : json.nullNode());
        response.set("max_output_tokens", body.has("max_output_tokens") ? body.get("max_output_tokens")
                : json.nullNode());
        response.put("model", body.path("model").asText());
        response.putArray("output");
        response.put("parallel_tool_calls", true);
        response.putNull("previous_response_id");
        response.put("store", false);
        response.put("temperature", 1.0);
        response.putObject("text").putObject("format").put("type", "text");
        response.put("tool_choice", "auto");
        response.putArray("tools");
        response.put("top_p", 1.0);
        response.put("truncation", "disabled");
        response.putNull("usage");
        response.putNull("user");
        response.putObject("metadata");
        return response;
    }

    private ObjectNode outputText(String text) {
        ObjectNode part = json.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    private ObjectNode responseUsage(CatalogModel model, JsonNode body, String text) {
        long input = tokens.text(body.path("instructions").asText(""));
        long images = 0;
        JsonNode items = body.path("input");
        if (items.isTextual()) {
            input += tokens.text(items.asText());
        } else {
            for (JsonNode item : items) {
                JsonNode content = item.path("content");
                if (content.isTextual()) {
                    input += tokens.text(content.asText());
                } else {
                    for (JsonNode part : content) {
                        input += tokens.text(part.path("text").asText(""));
                        images += part.path("type").asText("").equals("input_image") ? 1 : 0;
                    }
                }
            }
        }
        input = model.promptTokens(input, images); // each image what the model counts at most, as for chat
        long output = tokens.text(text);
        ObjectNode usage = json.createObjectNode().put("input_tokens", input);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", input + output);
        return usage;
    }

    /** The event sequence of a streamed response, as OpenAI sends it ({@code event:} lines, no {@code [DONE]}). */
    private List<byte[]> responseEvents(CatalogModel model, ObjectNode body) {
        String text = text(body.path("max_output_tokens"));
        List<byte[]> events = new ArrayList<>();
        int[] sequence = {0};
        java.util.function.BiConsumer<String, ObjectNode> emit = (type, event) -> {
            ObjectNode payload = json.createObjectNode().put("type", type).put("sequence_number", sequence[0]++);
            payload.setAll(event);
            events.add(("event: " + type + "\n" + new String(SseEvents.data(json, payload), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
        };
        emit.accept("response.created", wrap(responseShell(body, "in_progress")));
        emit.accept("response.in_progress", wrap(responseShell(body, "in_progress")));
        ObjectNode item = json.createObjectNode().put("type", "message").put("id", "msg_mock")
                .put("status", "in_progress").put("role", "assistant");
        item.putArray("content");
        emit.accept("response.output_item.added", json.createObjectNode().put("output_index", 0).set("item", item));
        ObjectNode emptyPart = outputText("");
        emit.accept("response.content_part.added", json.createObjectNode().put("item_id", "msg_mock")
                .put("output_index", 0).put("content_index", 0).set("part", emptyPart));
        for (String piece : text.split("(?<= )")) {
            ObjectNode delta = json.createObjectNode().put("item_id", "msg_mock").put("output_index", 0)
                    .put("content_index", 0).put("delta", piece);
            delta.putArray("logprobs");
            emit.accept("response.output_text.delta", delta);
        }
        ObjectNode done = json.createObjectNode().put("item_id", "msg_mock").put("output_index", 0)
                .put("content_index", 0).put("text", text);
        done.putArray("logprobs");
        emit.accept("response.output_text.done", done);
        emit.accept("response.content_part.done", json.createObjectNode().put("item_id", "msg_mock")
                .put("output_index", 0).put("content_index", 0).set("part", outputText(text)));
        ObjectNode finished = item.deepCopy().put("status", "completed");
        finished.withArray("content").add(outputText(text));
        emit.accept("response.output_item.done", json.createObjectNode().put("output_index", 0).set("item", finished));
        emit.accept("response.completed", wrap(response(model, body, "completed")));
        return events;
    }

    private ObjectNode wrap(ObjectNode response) {
        ObjectNode event = json.createObjectNode();
        event.set("response", response);
        return event;
    }

    // ------------------------------------------------------------------ the answer's text

    /** The mock's answer, cut to the output tokens asked for (at most its own length). */
    private String text(JsonNode maxTokens) {
        long limit = maxTokens.canConvertToLong() && maxTokens.asLong() > 0
                ? Math.min(answerTokens, maxTokens.asLong()) : answerTokens;
        String text = answer;
        while (tokens.text(text) > limit && text.trim().contains(" ")) {
            text = text.substring(0, text.trim().lastIndexOf(' ') + 1);
        }
        return text;
    }

    private String finishReason(JsonNode maxTokens) {
        return maxTokens.canConvertToLong() && maxTokens.asLong() < answerTokens ? "length" : "stop";
    }
}
