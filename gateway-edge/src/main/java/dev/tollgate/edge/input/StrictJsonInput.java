package dev.tollgate.edge.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import dev.tollgate.edge.errors.RefusedJsonValue;
import dev.tollgate.query.support.TimeBounds;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * What the JSON bodies of the admin routes may carry, checked while they are read (Spring Boot installs this module
 * into the application's ObjectMapper; the event store's serializer has its own): strings and map keys without NUL or
 * other control characters (tab and line breaks aside) and without half of a UTF-16 surrogate pair alone, instants
 * within {@link TimeBounds}. A body that breaks these
 * is a 400, before any command is sent. The {@code /v1} bodies are read as trees and checked where they are used.
 */
@Configuration(proxyBeanMethods = false)
public class StrictJsonInput {

    private static final String LONE_SURROGATE = "a string must not contain half of a UTF-16 surrogate pair alone "
            + "(such as \\ud800 without the \\udc00 to \\udfff that completes it)";

    @Bean
    public Module strictJsonInputModule() {
        SimpleModule module = new SimpleModule("tollgate-strict-input");
        module.addDeserializer(String.class, new CheckedStrings());
        module.addKeyDeserializer(String.class, new CheckedKeys());
        module.addDeserializer(Instant.class, new BoundedInstants());
        return module;
    }

    static final class CheckedStrings extends JsonDeserializer<String> {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = StringDeserializer.instance.deserialize(p, ctxt);
            if (value != null && InputText.hasControlBesidesWhitespace(value)) {
                throw new RefusedJsonValue(p, "a string must not contain NUL or other control characters");
            }
            if (value != null && InputText.hasLoneSurrogate(value)) {
                throw new RefusedJsonValue(p, LONE_SURROGATE);
            }
            return value;
        }

        @Override
        public String getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }

    static final class CheckedKeys extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            if (InputText.hasControl(key)) {
                throw new RefusedJsonValue(ctxt.getParser(), "a name (map key) must not contain control characters");
            }
            if (InputText.hasLoneSurrogate(key)) {
                throw new RefusedJsonValue(ctxt.getParser(), LONE_SURROGATE);
            }
            return key;
        }
    }

    static final class BoundedInstants extends JsonDeserializer<Instant> {

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Instant instant;
            try {
                instant = InstantDeserializer.INSTANT.deserialize(p, ctxt);
            } catch (DateTimeException | ArithmeticException e) {
                throw new RefusedJsonValue(p, "an instant must be ISO-8601, such as 2026-03-01T12:00:00Z");
            }
            if (instant != null && !TimeBounds.contains(instant)) {
                throw new RefusedJsonValue(p, "an instant must be between 1970-01-01T00:00:00Z and "
                        + "9999-12-31T23:59:59Z");
            }
            return instant;
        }
    }
}
