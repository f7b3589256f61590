package dev.tollgate.query.support;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parsing of query parameters shared by the read routes. */
public final class QueryParams {

    private QueryParams() {
    }

    /** An ISO instant ({@code 2026-03-01T00:00:00Z}) or a date ({@code 2026-03-01}, midnight UTC). */
    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant instant;
        try {
            instant = value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadQuery("'" + name + "' must be an ISO date or instant such as 2026-03-01 or "
                    + "2026-03-01T12:00:00Z, not '" + shown(value) + "'");
        }
        return bounded(name, instant);
    }

    /** {@code instant} unless it is outside {@link TimeBounds}: then a 400. */
    public static Instant bounded(String name, Instant instant) {
        if (instant != null && !TimeBounds.contains(instant)) {
            throw new BadQuery(TimeBounds.describe(name));
        }
        return instant;
    }

    /** A reporting period: {@code [start, end)}. */
    public record Period(Instant start, Instant end) {
    }

    /**
     * The period of {@code from} and {@code to} (each an instant or a date), by default from the start of this month
     * (UTC) to the end of today; a 400 unless {@code from} is before {@code to}.
     */
    public static Period period(String from, String to) {
        Instant start = from == null || from.isBlank()
                ? YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                : instant("from", from);
        Instant end = to == null || to.isBlank()
                ? LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                : instant("to", to);
        if (!start.isBefore(end)) {
            throw new BadQuery("'from' must be before 'to'");
        }
        return new Period(start, end);
    }

    /** The UTC day of an instant ({@code 2026-03-01}), as file names of downloads show it. */
    public static String day(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    /** A value as an error may repeat it: at most 100 characters. */
    public static String shown(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }

    public static int limit(Integer value, int defaultLimit, int maxLimit) {
        if (value == null) {
            return defaultLimit;
        }
        if (value < 1 || value > maxLimit) {
            throw new BadQuery("'limit' must be between 1 and " + maxLimit);
        }
        return value;
    }
}
