package dev.tollgate.edge.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tollgate.api.privacy.DataSubject;
import dev.tollgate.api.privacy.PersonalData;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Axon's Jackson serializer, with the {@link PersonalData} components of events sealed with their
 * {@link DataSubject}'s key as they are written, and opened as they are read (docs/privacy.md). Aggregates and
 * projections see plain values (or {@code null} once the person was erased); the stored JSON holds only sealed
 * strings where personal data was. Everything else (amounts, ids, tags) stays readable JSON, so SQL over the event
 * store (the reconciliation) keeps working. Values stored before sealing existed read as they were.
 */
public final class PersonalDataSerializer implements Serializer {

    /** The sealed components of a type: its subject component and its personal ones. */
    private record Sealed(String subject, List<String> fields) {
        static final Sealed NONE = new Sealed(null, List.of());
    }

    private final JacksonSerializer delegate;
    private final ObjectMapper mapper;
    private final Supplier<PersonalDataKeys> keys;
    private final Map<Class<?>, Sealed> sealedByType = new ConcurrentHashMap<>();
    /** Empty metadata as the delegate serializes it (its bytes are never changed by their readers). */
    private volatile SerializedObject<byte[]> emptyMetaData;

    /** @param keys the key table, looked up when first needed (the serializer is built before the database) */
    public PersonalDataSerializer(JacksonSerializer delegate, Supplier<PersonalDataKeys> keys) {
        this.delegate = delegate;
        this.mapper = delegate.getObjectMapper();
        this.keys = keys;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
        if (object instanceof MetaData metaData && metaData.isEmpty() && expectedRepresentation == byte[].class) {
            // every event's metadata is empty (no correlation data, AxonConfiguration): serialized once
            SerializedObject<byte[]> empty = emptyMetaData;
            if (empty == null) {
                empty = delegate.serialize(metaData, byte[].class);
                emptyMetaData = empty;
            }
            return (SerializedObject<T>) empty;
        }
        Sealed sealed = object == null ? Sealed.NONE : sealedOf(object.getClass());
        if (sealed.fields().isEmpty()) {
            return delegate.serialize(object, expectedRepresentation);
        }
        ObjectNode tree = mapper.valueToTree(object);
        JsonNode subject = tree.get(sealed.subject());
        if (subject != null && subject.isTextual()) {
            for (String field : sealed.fields()) {
                JsonNode value = tree.get(field);
                if (value != null && !value.isNull()) {
                    tree.set(field, TextNode.valueOf(keys.get().seal(subject.asText(), field, bytes(value))));
                }
            }
        }
        SerializedObject<JsonNode> json = new SimpleSerializedObject<>(tree, JsonNode.class,
                typeForClass(object.getClass()));
        return getConverter().convert(json, expectedRepresentation);
    }

    @Override
    public <S, T> T deserialize(SerializedObject<S> serializedObject) {
        Class<?> type = classForType(serializedObject.getType());
        Sealed sealed = type == null || UnknownSerializedType.class.equals(type) ? Sealed.NONE : sealedOf(type);
        if (sealed.fields().isEmpty()) {
            return delegate.deserialize(serializedObject);
        }
        JsonNode tree = getConverter().convert(serializedObject, JsonNode.class).getData().deepCopy();
        if (tree instanceof ObjectNode object) {
            for (String field : sealed.fields()) {
                JsonNode value = object.get(field);
                if (value != null && value.isTextual() && PersonalDataKeys.isSealed(value.asText())) {
                    byte[] plain = keys.get().open(value.asText(), field);
                    object.set(field, plain == null ? NullNode.getInstance() : tree(plain));
                }
            }
        }
        return delegate.deserialize(new SimpleSerializedObject<>(tree, JsonNode.class, serializedObject.getType()));
    }

    @Override
    public <T> boolean canSerializeTo(Class<T> expectedRepresentation) {
        return delegate.canSerializeTo(expectedRepresentation);
    }

    @Override
    public Class classForType(SerializedType type) {
        return delegate.classForType(type);
    }

    @Override
    public SerializedType typeForClass(Class type) {
        return delegate.typeForClass(type);
    }

    @Override
    public Converter getConverter() {
        return delegate.getConverter();
    }

    /** Whether {@code type} has components sealed with a person's key. */
    static boolean holdsPersonalData(Class<?> type) {
        return !scan(type).fields().isEmpty();
    }

    private Sealed sealedOf(Class<?> type) {
        return sealedByType.computeIfAbsent(type, PersonalDataSerializer::scan);
    }

    private static Sealed scan(Class<?> type) {
        if (!type.isRecord()) {
            return Sealed.NONE;
        }
        String subject = null;
        List<String> fields = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.isAnnotationPresent(DataSubject.class)) {
                subject = component.getName();
            }
            if (component.isAnnotationPresent(PersonalData.class)) {
                fields.add(component.getName());
            }
        }
        if (!fields.isEmpty() && subject == null) {
            throw new IllegalStateException(type.getName() + " has personal data but no @DataSubject");
        }
        return subject == null ? Sealed.NONE : new Sealed(subject, List.copyOf(fields));
    }

    private byte[] bytes(JsonNode value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a personal field", e);
        }
    }

    private JsonNode tree(byte[] plain) {
        try {
            return mapper.readTree(plain);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a personal field", e);
        }
    }
}
