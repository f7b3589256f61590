package dev.tollgate.api.money;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tollgate.api.InvalidValue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * How often a budget starts again from zero. Periods are calendar-aligned in UTC (a week starts on Monday),
 * so a new period begins by itself at its boundary: nobody runs a job.
 */
public enum BudgetPeriod {
    DAILY, WEEKLY, MONTHLY, NONE;

    /** {@link #wireName()}, made once: every spend event writes one per balance. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The instant the period containing {@code at} began; {@link Instant#EPOCH} for {@link #NONE}. */
    public Instant startOf(Instant at) {
        LocalDate day = utcDay(at);
        LocalDate start = switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
            case NONE -> null;
        };
        return start == null ? Instant.EPOCH : startOfUtcDay(start);
    }

    /** The instant the period beginning at {@code start} ends (exclusive); {@code null} for {@link #NONE}. */
    public Instant endOf(Instant start) {
        LocalDate day = utcDay(start);
        LocalDate end = switch (this) {
            case DAILY -> day.plusDays(1);
            case WEEKLY -> day.plusWeeks(1);
            case MONTHLY -> day.plusMonths(1);
            case NONE -> null;
        };
        return end == null ? null : startOfUtcDay(end);
    }

    // UTC days by arithmetic: LocalDate.ofInstant(at, UTC) builds new zone rules at each call, and every spend event
    // asks for the period of three accounts.
    private static LocalDate utcDay(Instant at) {
        return LocalDate.ofEpochDay(Math.floorDiv(at.getEpochSecond(), SECONDS_PER_DAY));
    }

    private static Instant startOfUtcDay(LocalDate day) {
        return Instant.ofEpochSecond(day.toEpochDay() * SECONDS_PER_DAY);
    }

    private static final long SECONDS_PER_DAY = 86_400;

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static BudgetPeriod fromWireName(String value) {
        if (value == null) {
            return NONE;
        }
        for (BudgetPeriod period : values()) {
            if (period.wireName().equalsIgnoreCase(value.trim())) {
                return period;
            }
        }
        throw new InvalidValue("unknown budget period '" + value + "' (daily, weekly, monthly or none)");
    }
}
