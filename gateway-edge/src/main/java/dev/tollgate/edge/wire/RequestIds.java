package dev.tollgate.edge.wire;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: {@code req_} and 24 hex digits (96 random bits): unique enough, and cheap on the hot path. */
public final class RequestIds {

    private RequestIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + hex(random.nextLong(), 16) + hex(random.nextInt(), 8);
    }

    private static String hex(long value, int digits) {
        String text = Long.toHexString(digits == 8 ? value & 0xFFFFFFFFL : value);
        return "0".repeat(digits - text.length()) + text;
    }
}
