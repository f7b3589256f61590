package dev.tollgate.edge.privacy;

import dev.tollgate.edge.config.AxonConfiguration;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PersonalDataSerializerTest {

    private final JacksonSerializer jackson = AxonConfiguration.jackson();
    private final PersonalDataSerializer serializer = new PersonalDataSerializer(jackson, () -> {
        throw new AssertionError("no personal data here");
    });

    @Test
    void writesEmptyMetaDataExactlyAsJacksonDoesAndReadsItBack() {
        SerializedObject<byte[]> expected = jackson.serialize(MetaData.emptyInstance(), byte[].class);
        for (int i = 0; i < 2; i++) {
            SerializedObject<byte[]> written = serializer.serialize(MetaData.emptyInstance(), byte[].class);
            assertThat(written.getData()).isEqualTo(expected.getData());
            assertThat(written.getType()).isEqualTo(expected.getType());
            assertThat(written.getContentType()).isEqualTo(byte[].class);
            MetaData read = serializer.deserialize(written);
            assertThat(read).isEmpty();
        }
    }

    @Test
    void writesMetaDataWithEntriesAsJacksonDoes() {
        MetaData metaData = MetaData.from(Map.of("traceId", "abc"));
        SerializedObject<byte[]> written = serializer.serialize(metaData, byte[].class);
        assertThat(new String(written.getData(), StandardCharsets.UTF_8))
                .isEqualTo(new String(jackson.serialize(metaData, byte[].class).getData(), StandardCharsets.UTF_8))
                .contains("abc");
        MetaData read = serializer.deserialize(written);
        assertThat(read).containsEntry("traceId", "abc");
    }
}
