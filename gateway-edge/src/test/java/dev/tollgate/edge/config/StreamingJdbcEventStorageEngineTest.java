package dev.tollgate.edge.config;

import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streamed event's timestamp, parsed once by hand, is the instant Axon's own parser reads from the same text; an
 * appended event's timestamp, formatted by hand, is the text Axon's own formatter writes.
 */
class StreamingJdbcEventStorageEngineTest {

    @Test
    void readsWhatAxonWritesAsAxonReadsIt() {
        SplittableRandom random = new SplittableRandom(20261204);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(Instant.parse("1970-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("2300-01-01T00:00:00Z").getEpochSecond());
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            String stored = DateTimeUtils.formatInstant(Instant.ofEpochSecond(seconds, nanos));
            assertThat(StreamingJdbcEventStorageEngine.instant(stored)).as(stored)
                    .isEqualTo(DateTimeUtils.parseInstant(stored));
        }
    }

    @Test
    void otherFormsAreLeftToAxonsParser() {
        for (String text : List.of("2026-12-04T20:12:10+01:00", "2026-12-04T20:12:10.5+00:00",
                "2024-02-29T23:59:59.999999999Z", "2026-12-04T20:12:10.123Z")) {
            assertThat(StreamingJdbcEventStorageEngine.instant(text)).as(text)
                    .isEqualTo(DateTimeUtils.parseInstant(text));
        }
    }

    @Test
    void writesTimestampsAsAxonWritesThem() {
        for (Instant at : RandomInstants.of(20261205L, 20_000)) {
            assertThat(StreamingJdbcEventStorageEngine.storedText(at)).as(at.toString())
                    .isEqualTo(DateTimeUtils.formatInstant(at));
        }
        for (Instant at : List.of(Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59.5Z"))) {
            assertThat(StreamingJdbcEventStorageEngine.storedText(at)).as(at.toString())
                    .isEqualTo(DateTimeUtils.formatInstant(at));
        }
    }
}
