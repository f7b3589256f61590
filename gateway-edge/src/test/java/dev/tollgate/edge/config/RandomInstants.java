package dev.tollgate.edge.config;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Instants of the years 0000–9999 for comparing hand-written date code with the JDK's: every fifth near midnight. */
final class RandomInstants {

    private RandomInstants() {
    }

    /** {@code count} instants, a quarter each with no fraction, milliseconds, microseconds and nanoseconds. */
    static List<Instant> of(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Instant> instants = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
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
            instants.add(Instant.ofEpochSecond(seconds, nanos));
        }
        return instants;
    }
}
