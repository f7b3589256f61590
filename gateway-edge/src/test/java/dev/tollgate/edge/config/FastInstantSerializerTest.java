package dev.tollgate.edge.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast instant writer writes, character for character, what Jackson's own InstantSerializer writes. */
class FastInstantSerializerTest {

    private final ObjectMapper events = AxonConfiguration.jackson().getObjectMapper();
    private final ObjectMapper plain = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    record Holder(Instant at) {
    }

    @Test
    void writesWhatJacksonWrites() throws Exception {
        for (Instant at : RandomInstants.of(20261204L, 20_000)) {
            Holder holder = new Holder(at);
            String expected = plain.writeValueAsString(holder);
            assertThat(events.writeValueAsString(holder)).isEqualTo(expected);
            assertThat(events.readValue(expected, Holder.class)).isEqualTo(holder);
        }
    }

    @Test
    void writesTheEdgesAndOtherYearsAsJacksonDoes() throws Exception {
        for (Instant at : List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(0, 1),
                Instant.ofEpochSecond(-1, 999_999_999), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.MAX, Instant.MIN,
                Instant.parse("2024-02-29T12:00:00.100Z"), Instant.parse("2026-12-04T16:58:46.000100Z"))) {
            Holder holder = new Holder(at);
            assertThat(events.writeValueAsString(holder)).as(at.toString())
                    .isEqualTo(plain.writeValueAsString(holder));
        }
    }
}
