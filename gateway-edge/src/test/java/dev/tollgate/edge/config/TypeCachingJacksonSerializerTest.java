package dev.tollgate.edge.config;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.SpendReserved;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TypeCachingJacksonSerializerTest {

    /** Counts how often each type name is resolved by Axon's serializer underneath the cache. */
    static final class Counting extends TypeCachingJacksonSerializer {
        final Map<String, Integer> resolved = new HashMap<>();

        Counting() {
            super(JacksonSerializer.builder().objectMapper(AxonConfiguration.jackson().getObjectMapper()));
        }

        @Override
        protected String resolveClassName(SerializedType type) {
            resolved.merge(type.getName(), 1, Integer::sum);
            return super.resolveClassName(type);
        }
    }

    private final JacksonSerializer axons = JacksonSerializer.builder()
            .objectMapper(AxonConfiguration.jackson().getObjectMapper()).build();

    @Test
    void resolvesEachTypeToTheClassAxonsSerializerResolves() {
        JacksonSerializer serializer = AxonConfiguration.jackson();
        SerializedType spendReserved = axons.typeForClass(SpendReserved.class);
        SerializedType unknown = new SimpleSerializedType("dev.tollgate.api.NoSuchEvent", "1");
        SerializedType empty = SimpleSerializedType.emptyType();
        for (int i = 0; i < 2; i++) {
            assertThat(serializer.classForType(spendReserved)).isEqualTo(SpendReserved.class)
                    .isEqualTo(axons.classForType(spendReserved));
            assertThat(serializer.classForType(new SimpleSerializedType(SpendReserved.class.getName(), "0")))
                    .as("by name, whatever the revision").isEqualTo(SpendReserved.class);
            assertThat(serializer.classForType(unknown)).isEqualTo(UnknownSerializedType.class)
                    .isEqualTo(axons.classForType(unknown));
            assertThat(serializer.classForType(empty)).isEqualTo(Void.class).isEqualTo(axons.classForType(empty));
        }
    }

    @Test
    void resolvesATypeNameOnceForItsLookupsAndItsOwnDeserializations() {
        Counting serializer = new Counting();
        SerializedObject<byte[]> event = serializer.serialize(new SpendReserved("r1", "t", "u", "k", "m",
                Money.of("0.001"), 10, 10, false, Instant.parse("2026-12-07T18:00:00Z"),
                Instant.parse("2026-12-07T18:15:00Z"), Map.of(), null, null, null), byte[].class);
        for (int i = 0; i < 3; i++) {
            assertThat(serializer.classForType(event.getType())).isEqualTo(SpendReserved.class);
            SpendReserved read = serializer.deserialize(event);
            assertThat(read.requestId()).isEqualTo("r1");
        }
        assertThat(serializer.resolved).containsEntry(SpendReserved.class.getName(), 1);
    }

    @Test
    void stillResolvesTypesOnceItHoldsAsManyNamesAsItsBound() {
        Counting serializer = new Counting();
        for (int i = 0; i < TypeCachingJacksonSerializer.MAX_TYPE_NAMES + 10; i++) {
            assertThat(serializer.classForType(new SimpleSerializedType("dev.tollgate.api.Gone" + i, null)))
                    .isEqualTo(UnknownSerializedType.class);
        }
        SerializedType spendReserved = serializer.typeForClass(SpendReserved.class);
        assertThat(serializer.classForType(spendReserved)).isEqualTo(SpendReserved.class);
        assertThat(serializer.classForType(spendReserved)).isEqualTo(SpendReserved.class);
        assertThat(serializer.resolved).as("past the bound, resolved each time")
                .containsEntry(SpendReserved.class.getName(), 2);
    }
}
