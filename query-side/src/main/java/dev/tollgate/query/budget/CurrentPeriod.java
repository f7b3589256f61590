package dev.tollgate.query.budget;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/**
 * The budget period containing an instant, for the read side: a stored balance whose period has ended reads as a
 * new period with nothing spent, exactly as the ledger will decide the next request (calendar periods in UTC).
 */
record CurrentPeriod(Instant start, Instant end) {

    static CurrentPeriod containing(String period, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return switch (period) {
            case "daily" -> of(day, day.plusDays(1));
            case "weekly" -> {
                LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                yield of(monday, monday.plusWeeks(1));
            }
            case "monthly" -> of(day.withDayOfMonth(1), day.withDayOfMonth(1).plusMonths(1));
            default -> new CurrentPeriod(Instant.EPOCH, null);
        };
    }

    private static CurrentPeriod of(LocalDate start, LocalDate end) {
        return new CurrentPeriod(start.atStartOfDay(ZoneOffset.UTC).toInstant(),
                end.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
