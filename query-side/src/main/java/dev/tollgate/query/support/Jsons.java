package dev.tollgate.query.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jooq.JSONB;

import java.io.IOException;
import java.util.Map;

/** Reading the read model's JSONB columns. */
public final class Jsons {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Jsons() {
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    public static Map<String, String> stringMap(JSONB value) {
        if (value == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(value.data(), new TypeReference<Map<String, String>>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("a JSONB column is not an object of strings: " + value.data(), e);
        }
    }
}
