package dev.tollgate.edge.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fast instant reader returns what Jackson's own InstantDeserializer returns, for every input. */
class FastInstantDeserializerTest {

    private final ObjectMapper events = AxonConfiguration.jackson().getObjectMapper();
    private final ObjectMapper plain = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record Holder(Instant at) {
    }

    @Test
    void readsWhatJacksonWritesAsJacksonReadsIt() throws Exception {
        for (Instant at : RandomInstants.of(20261204L, 20_000)) {
            String json = plain.writeValueAsString(new Holder(at));
            assertThat(events.readValue(json, Holder.class)).as(json).isEqualTo(plain.readValue(json, Holder.class));
        }
    }

    @Test
    void formsItDoesNotReadItselfGoToJackson() throws Exception {
        for (String at : List.of("\"2026-12-04T16:58:46.1Z\"", "\"2026-12-04T16:58:46.12Z\"",
                "\"2024-02-29T23:59:59.999999999Z\"", "\"2026-12-04T16:58:46+01:00\"", "\"+12026-12-04T16:58:46Z\"",
                "1764867526.5", "1764867526", "\"2026-06-30T23:59:60Z\"", "\"2026-12-04T24:00:00Z\"",
                "\"2026-12-04t16:58:46z\"", "null", "\"2026-02-30T00:00:00Z\"", "\"2026-13-01T00:00:00Z\"",
                "\"2026-12-04T16:58:46.Z\"", "\"2026-12-04T16:58:46.1234567890Z\"", "\"2026-12-04X16:58:46Z\"",
                "\"2026-12-04T16:61:00Z\"", "\"\"")) {
            String json = "{\"at\":" + at + "}";
            Holder expected;
            try {
                expected = plain.readValue(json, Holder.class);
            } catch (Exception refused) {
                assertThatThrownBy(() -> events.readValue(json, Holder.class)).as(json).isNotNull();
                continue;
            }
            assertThat(events.readValue(json, Holder.class)).as(json).isEqualTo(expected);
        }
        assertThat(FastInstantDeserializer.parse("2026-12-04T16:58:46.000100Z"))
                .isEqualTo(Instant.parse("2026-12-04T16:58:46.000100Z"));
        assertThat(FastInstantDeserializer.parse("2026-02-30T00:00:00Z")).isNull();
    }
}
