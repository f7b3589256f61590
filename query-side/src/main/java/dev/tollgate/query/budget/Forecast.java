package dev.tollgate.query.budget;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.query.support.Amounts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * When a budget runs out at its recent pace (docs/reports.md, "Forecast"). The model, on purpose simple:
 * <ul>
 *   <li>the window is the last {@value #WINDOW_DAYS} UTC calendar days before today, and today so far, but never
 *   before the start of the budget's current period (a new period starts its pace afresh);</li>
 *   <li>the burn rate is the window's spend (settled costs and cost corrections, from the daily rollups) divided
 *   by the time the window covers, in days; it is not judged on less than an hour;</li>
 *   <li>the budget runs out {@code remaining / burn rate} days from now ({@code remaining} = effective limit minus
 *   spent minus reserved; now when nothing remains); at a rate of zero, never;</li>
 *   <li>a periodic budget also gets the spend projected for the whole period (spent + rate × time left), and whether
 *   it runs out before the period ends.</li>
 * </ul>
 *
 * @param burnRate               spend per day at the window's pace ({@code null}: too little time to judge)
 * @param windowStart            the start of the window the rate is computed over
 * @param projectedRunOut        when the effective limit is reached at that rate ({@code null}: unlimited, never,
 *                               or cannot be judged)
 * @param runsOutBeforePeriodEnd {@code null} for a budget without period or limit
 * @param projectedPeriodSpend   {@code null} for a budget without period
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Forecast(String burnRate, Instant windowStart, Instant projectedRunOut, Boolean runsOutBeforePeriodEnd,
                       String projectedPeriodSpend) {

    public static final int WINDOW_DAYS = 7;
    private static final Duration MINIMUM = Duration.ofHours(1);
    private static final BigDecimal MILLIS_PER_DAY = BigDecimal.valueOf(Duration.ofDays(1).toMillis());

    /** The window's start at {@code now} for a period that started at {@code periodStart}. */
    public static Instant windowStart(Instant periodStart, Instant now) {
        Instant sevenDays = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(WINDOW_DAYS)
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        return periodStart != null && periodStart.isAfter(sevenDays) ? periodStart : sevenDays;
    }

    /**
     * @param windowSpend    the spend of the days from {@code windowStart} to now
     * @param effectiveLimit {@code null}: unlimited
     * @param periodEnd      {@code null}: no period
     */
    public static Forecast of(BigDecimal windowSpend, Instant windowStart, Instant now, BigDecimal effectiveLimit,
                              BigDecimal spent, BigDecimal reserved, Instant periodEnd) {
        Duration covered = Duration.between(windowStart, now);
        if (covered.compareTo(MINIMUM) < 0) {
            return new Forecast(null, windowStart, null, null, null);
        }
        BigDecimal days = BigDecimal.valueOf(covered.toMillis()).divide(MILLIS_PER_DAY, 12, RoundingMode.HALF_EVEN);
        BigDecimal rate = windowSpend.divide(days, 9, RoundingMode.HALF_EVEN);
        Instant runOut = null;
        if (effectiveLimit != null) {
            BigDecimal remaining = effectiveLimit.subtract(spent).subtract(reserved);
            if (remaining.signum() <= 0) {
                runOut = now;
            } else if (rate.signum() > 0) {
                BigDecimal millis = remaining.multiply(MILLIS_PER_DAY).divide(rate, 0, RoundingMode.HALF_EVEN);
                // beyond a century is "never" for a budget
                runOut = millis.compareTo(BigDecimal.valueOf(Duration.ofDays(36_500).toMillis())) > 0 ? null
                        : now.plusMillis(millis.longValueExact());
            }
        }
        Boolean before = effectiveLimit == null || periodEnd == null ? null
                : runOut != null && runOut.isBefore(periodEnd);
        String projected = null;
        if (periodEnd != null) {
            BigDecimal left = BigDecimal.valueOf(Math.max(0, Duration.between(now, periodEnd).toMillis()))
                    .divide(MILLIS_PER_DAY, 12, RoundingMode.HALF_EVEN);
            projected = Amounts.format(spent.add(rate.multiply(left)).setScale(9, RoundingMode.HALF_EVEN));
        }
        return new Forecast(Amounts.format(rate), windowStart, runOut, before, projected);
    }
}
