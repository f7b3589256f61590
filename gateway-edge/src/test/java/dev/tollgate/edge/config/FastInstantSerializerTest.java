package dev.tollgate.edge.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Random;

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
        Random random = new Random(20261204L);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L); // years 0 to 9999
            if (i % 5 == 0) {
                seconds = Math.floorDiv(seconds, 86_400) * 86_400 + (i % 10 == 0 ? 0 : -1); // around midnight
            }
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Holder holder = new Holder(Instant.ofEpochSecond(seconds, nanos));
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
