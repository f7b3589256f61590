package dev.tollgate.query.support;

import java.time.Instant;
import java.time.YearMonth;

/**
 * The instants Tollgate accepts from a request, in a query parameter or a JSON body: from 1970-01-01 to the end of
 * 9999 (UTC). Beyond, no budget, report or key has a meaning, and dates such as {@code -999999999-01-01T00:00:00Z}
 * would overflow the database's timestamps and the arithmetic on them.
 */
public final class TimeBounds {

    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private TimeBounds() {
    }

    public static boolean contains(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    public static boolean contains(YearMonth month) {
        return month.getYear() >= 1970 && month.getYear() <= 9999;
    }

    /** What an error says of an instant out of bounds. */
    public static String describe(String name) {
        return "'" + name + "' must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z";
    }
}
