package dev.tollgate.query.support;

import java.time.Instant;
import java.time.LocalDate;
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
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadQuery("'" + name + "' must be an ISO date or instant such as 2026-03-01 or "
                    + "2026-03-01T12:00:00Z, not '" + value + "'");
        }
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
