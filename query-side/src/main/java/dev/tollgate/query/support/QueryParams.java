package dev.tollgate.query.support;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Parsing of query parameters shared by the read routes. */
public final class QueryParams {

    /** A whole number of at most 18 digits (always within a long), a sign allowed. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]{1,18}");

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

    /** {@code ?limit=}: {@code defaultLimit} when absent, else a whole number from 1 to {@code maxLimit}. */
    public static int limit(String value, int defaultLimit, int maxLimit) {
        Long limit = wholeNumber("limit", value);
        if (limit == null) {
            return defaultLimit;
        }
        if (limit < 1 || limit > maxLimit) {
            throw new BadQuery("'limit' must be between 1 and " + maxLimit, "limit");
        }
        return limit.intValue();
    }

    /**
     * A whole-number parameter ({@code ?limit=}, {@code ?offset=}): {@code null} when absent or empty, else a 400
     * naming {@code name} unless it is a whole number of at most 18 digits (a sign allowed).
     */
    public static Long wholeNumber(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!WHOLE_NUMBER.matcher(value).matches()) {
            throw new BadQuery("'" + name + "' must be a whole number, not '" + shown(value) + "'", name);
        }
        return Long.parseLong(value);
    }

    /** A {@code true}/{@code false} parameter: {@code null} when absent or empty, else a 400 naming {@code name}. */
    public static Boolean bool(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new BadQuery("'" + name + "' must be true or false, not '" + shown(value) + "'", name);
        }
        return Boolean.parseBoolean(value);
    }
}
