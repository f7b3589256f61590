package dev.tollgate.edge.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;

/** Server-sent events as OpenAI streams them: {@code data: <json>} and a blank line; {@code data: [DONE]} last. */
public final class SseEvents {

    public static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private SseEvents() {
    }

    public static byte[] data(ObjectMapper json, JsonNode payload) {
        try {
            return ("data: " + json.writeValueAsString(payload) + "\n\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
