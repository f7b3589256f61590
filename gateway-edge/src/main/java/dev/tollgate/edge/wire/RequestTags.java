package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.input.InputText;

import java.util.Map;
import java.util.TreeMap;

/**
 * A request's tags, kept with its cost: the key's default tags, then the OpenAI {@code metadata} object's
 * string values, then the {@code x-tollgate-tags} header ({@code course=cs101,assignment=3}); later ones win.
 */
public final class RequestTags {

    static final int MAX_TAGS = 20;
    /** The longest tag name, and the longest value; a key's default tags and metadata have the same bounds. */
    public static final int MAX_NAME = 64;
    public static final int MAX_VALUE = 256;

    private RequestTags() {
    }

    public static Map<String, String> of(Map<String, String> keyDefaults, JsonNode metadata, String header) {
        Map<String, String> tags = new TreeMap<>(keyDefaults);
        if (metadata != null && metadata.isObject()) {
            metadata.fields().forEachRemaining(field -> {
                if (field.getValue().isTextual()) {
                    tags.put(field.getKey(), field.getValue().asText());
                }
            });
        }
        if (header != null && !header.isBlank()) {
            for (String pair : header.split(",")) {
                String trimmed = pair.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int separator = trimmed.indexOf('=');
                if (separator <= 0) {
                    throw ApiError.invalidRequest("'" + TollgateHeaders.TAGS + "' is a list of key=value pairs, "
                            + "such as course=cs101,assignment=3; '" + trimmed + "' is not one.", null);
                }
                tags.put(trimmed.substring(0, separator).trim(), trimmed.substring(separator + 1).trim());
            }
        }
        if (tags.size() > MAX_TAGS) {
            throw ApiError.invalidRequest("A request carries at most " + MAX_TAGS + " tags.", null);
        }
        tags.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_NAME || value.length() > MAX_VALUE) {
                throw ApiError.invalidRequest("A tag's name is 1 to " + MAX_NAME + " characters and its value at most "
                        + MAX_VALUE + ".", null);
            }
            // the read model could not store them (PostgreSQL refuses a NUL), and its projections would stop on it
            if (InputText.hasControl(key) || InputText.hasControl(value)) {
                throw ApiError.invalidRequest("A tag's name and value must not contain NUL or other control "
                        + "characters.", null);
            }
        });
        return tags;
    }
}
