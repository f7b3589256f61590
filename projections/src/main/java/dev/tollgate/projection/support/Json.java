package dev.tollgate.projection.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.jooq.JSONB;

import java.util.Map;

/** JSON for JSONB columns: events and maps as their canonical JSON (amounts as decimal strings, ISO instants). */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Json() {
    }

    public static JSONB of(Object value) {
        try {
            return JSONB.valueOf(MAPPER.writeValueAsString(value == null ? Map.of() : value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** An event's fields as a JSON object, without the named fields (secrets' hashes stay out of the audit log). */
    public static JSONB fieldsOf(Object event, String... without) {
        ObjectNode node = MAPPER.valueToTree(event);
        for (String field : without) {
            node.remove(field);
        }
        return JSONB.valueOf(node.toString());
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
