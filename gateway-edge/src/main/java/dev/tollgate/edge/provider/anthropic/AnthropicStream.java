package dev.tollgate.edge.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.provider.ReportedPrompt;
import dev.tollgate.edge.wire.SseFields;
import dev.tollgate.edge.wire.SseSplitter;
import dev.tollgate.edge.wire.UsageReader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Anthropic event stream translated, event by event as its bytes arrive, into OpenAI
 * {@code chat.completion.chunk} events: {@code message_start} gives the role chunk, text and tool-input deltas give
 * content and {@code tool_calls} chunks, {@code message_delta} the {@code finish_reason} chunk, and
 * {@code message_stop} the usage chunk (when asked for) and {@code [DONE]}. Nothing is held back beyond an
 * incomplete event. One instance per stream; not thread-safe (a stream's chunks arrive one after another).
 */
public final class AnthropicStream {

    /** An {@code error} event inside the stream (overloaded, for example), as an OpenAI-shaped error body. */
    public static final class StreamError extends RuntimeException {

        private final int status;
        private final byte[] body;

        StreamError(int status, byte[] body, String message) {
            super(message, null, false, false);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public byte[] body() {
            return body;
        }
    }

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final ObjectMapper json;
    private final boolean includeUsage;
    private final long created;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private final SseSplitter splitter = new SseSplitter();
    private String id = "";
    private String model = "";
    private final ObjectNode usage;
    private final ReportedPrompt reportedPrompt;
    private boolean stopped;

    public AnthropicStream(ObjectMapper json, boolean includeUsage, long created) {
        this(json, includeUsage, created, null);
    }

    /** @param reportedPrompt told the prompt tokens {@code message_start} reports ({@code null}: nobody asks) */
    public AnthropicStream(ObjectMapper json, boolean includeUsage, long created, ReportedPrompt reportedPrompt) {
        this.json = json;
        this.includeUsage = includeUsage;
        this.created = created;
        this.usage = json.createObjectNode();
        this.reportedPrompt = reportedPrompt;
    }

    /**
     * The OpenAI events for one chunk of upstream bytes (possibly none, possibly several), cut into events as the
     * OpenAI-compatible streams are ({@link SseSplitter}: any line end, a bounded event).
     */
    public List<byte[]> feed(byte[] chunk) {
        List<byte[]> out = new ArrayList<>(2);
        for (byte[] event : splitter.feed(chunk)) {
            translate(new String(event, StandardCharsets.UTF_8), out);
        }
        return out;
    }

    /** The OpenAI events of what is left when the upstream's stream ends without a final blank line. */
    public List<byte[]> end() {
        byte[] rest = splitter.end();
        List<byte[]> out = new ArrayList<>(1);
        if (rest != null) {
            translate(new String(rest, StandardCharsets.UTF_8), out);
        }
        return out;
    }

    /** Whether {@code message_stop} arrived. */
    public boolean stopped() {
        return stopped;
    }

    private void translate(String event, List<byte[]> out) {
        String data = SseFields.of(event).data();
        if (data == null || data.isEmpty()) {
            return;
        }
        JsonNode payload;
        try {
            payload = json.readTree(data);
        } catch (JsonProcessingException e) {
            return; // not JSON: nothing to translate
        }
        switch (payload.path("type").asText()) {
            case "message_start" -> {
                JsonNode message = payload.path("message");
                id = message.path("id").asText("");
                model = message.path("model").asText("");
                mergeUsage(message.path("usage"));
                reportPrompt(message.path("usage"));
                out.add(chunk(json.createObjectNode().put("role", "assistant").put("content", ""), null));
            }
            case "content_block_start" -> {
                JsonNode block = payload.path("content_block");
                String type = block.path("type").asText();
                if (type.equals("text") && !block.path("text").asText("").isEmpty()) {
                    out.add(chunk(json.createObjectNode().put("content", block.get("text").asText()), null));
                } else if (type.equals("tool_use")) {
                    int toolIndex = toolIndexByBlock.size();
                    toolIndexByBlock.put(payload.path("index").asInt(), toolIndex);
                    ObjectNode delta = json.createObjectNode();
                    delta.putArray("tool_calls").addObject().put("index", toolIndex)
                            .put("id", block.path("id").asText()).put("type", "function")
                            .putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                    out.add(chunk(delta, null));
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = payload.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> out.add(chunk(json.createObjectNode()
                            .put("content", delta.path("text").asText()), null));
                    case "input_json_delta" -> {
                        Integer toolIndex = toolIndexByBlock.get(payload.path("index").asInt());
                        String partial = delta.path("partial_json").asText("");
                        if (toolIndex != null && !partial.isEmpty()) {
                            ObjectNode d = json.createObjectNode();
                            d.putArray("tool_calls").addObject().put("index", toolIndex)
                                    .putObject("function").put("arguments", partial);
                            out.add(chunk(d, null));
                        }
                    }
                    default -> { } // thinking, signature and citation deltas have no chat completion counterpart
                }
            }
            case "message_delta" -> {
                mergeUsage(payload.path("usage"));
                String finish = AnthropicResponses.finishReason(payload.path("delta").path("stop_reason").asText(null));
                if (finish != null) {
                    out.add(chunk(json.createObjectNode(), finish));
                }
            }
            case "message_stop" -> {
                stopped = true;
                ObjectNode translated = includeUsage ? AnthropicResponses.usage(usage, json) : null;
                if (translated != null) { // else none: the gateway counts the stream itself
                    ObjectNode last = header();
                    last.putArray("choices");
                    last.set("usage", translated);
                    out.add(event(last));
                }
                out.add(DONE);
            }
            case "error" -> {
                JsonNode error = payload.path("error");
                String type = error.path("type").asText("api_error");
                ObjectNode body = json.createObjectNode();
                body.set("error", error);
                throw new StreamError(type.equals("overloaded_error") ? 529 : 500,
                        AnthropicResponses.errorBody(body.toString().getBytes(StandardCharsets.UTF_8), json),
                        "Anthropic's stream reported an error: " + type);
            }
            default -> { } // ping, content_block_stop and events this version does not know
        }
    }

    /**
     * Tells {@link #reportedPrompt} the prompt tokens of {@code message_start} (input, cache reads and writes), which
     * a stream cut or left before its {@code message_stop} is charged at least (believed counts only).
     */
    private void reportPrompt(JsonNode reported) {
        if (reportedPrompt == null || !reported.hasNonNull("input_tokens")) {
            return;
        }
        long input = UsageReader.count(reported.get("input_tokens"));
        long cacheRead = UsageReader.count(reported.get("cache_read_input_tokens"));
        long cacheWrite = UsageReader.count(reported.get("cache_creation_input_tokens"));
        if (UsageReader.believable(input, cacheRead, cacheWrite, input + cacheRead + cacheWrite)) {
            reportedPrompt.report(input + cacheRead + cacheWrite, cacheRead);
        }
    }

    /** Anthropic reports usage in message_start and (cumulatively) in message_delta; the latest value wins. */
    private void mergeUsage(JsonNode reported) {
        reported.fields().forEachRemaining(field -> {
            if (field.getValue().isNumber()) {
                usage.set(field.getKey(), field.getValue());
            }
        });
    }

    private ObjectNode header() {
        return json.createObjectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model);
    }

    private byte[] chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = header();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return event(chunk);
    }

    private byte[] event(JsonNode payload) {
        return ("data: " + payload.toString() + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
