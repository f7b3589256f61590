package dev.tollgate.edge.config;

import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Axon's Jackson serializer, remembering the class of each stored type name. Axon asks for it two to three times for
 * every event it reads (the upcasters' representation, the lazy payload, the deserialization itself), and Axon's
 * serializer asks the class loader each time: 6 % of the JVM's CPU for one hot team whose processors read from
 * PostgreSQL (docs/performance.md, twenty-third session). Overriding it here covers the serializer's own calls too.
 * A name resolves to one class for the JVM's life (by name only, whatever the revision); names are those of the stored
 * events, a few dozen, bounded all the same.
 */
class TypeCachingJacksonSerializer extends JacksonSerializer {

    /** More type names than the event store holds: past this, names are resolved by Axon each time. */
    static final int MAX_TYPE_NAMES = 1_000;

    private final Map<String, Class<?>> classByTypeName = new ConcurrentHashMap<>();

    TypeCachingJacksonSerializer(Builder builder) {
        super(builder);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class classForType(SerializedType type) {
        if (SimpleSerializedType.emptyType().equals(type)) {
            return super.classForType(type);
        }
        Class<?> known = classByTypeName.get(type.getName());
        if (known != null) {
            return known;
        }
        Class<?> resolved = super.classForType(type);
        if (classByTypeName.size() < MAX_TYPE_NAMES) {
            classByTypeName.put(type.getName(), resolved);
        }
        return resolved;
    }
}
