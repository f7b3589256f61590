package dev.tollgate.edge.finance;

import dev.tollgate.query.budget.Forecast;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forecast model on a fixed clock: the last seven days' spend (never before the period's start) over the time
 * they cover, and the budget's remaining amount at that pace.
 */
class ForecastTest {

    static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");

    static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    @Test
    void theRateIsTheLastSevenDaysSpendOverTheTimeTheyCover() {
        Instant now = Instant.parse("2026-03-20T12:00:00Z");
        Instant window = Forecast.windowStart(MARCH, now);
        assertThat(window).isEqualTo(Instant.parse("2026-03-13T00:00:00Z"));

        Forecast forecast = Forecast.of(d("7.5"), window, now, d("100"), d("40"), d("0"), APRIL);
        assertThat(forecast.burnRate()).isEqualTo("1");
        assertThat(forecast.projectedRunOut()).as("60 left at 1 a day").isEqualTo(now.plus(java.time.Duration.ofDays(60)));
        assertThat(forecast.runsOutBeforePeriodEnd()).isFalse();
        assertThat(forecast.projectedPeriodSpend()).as("40 + 11.5 days at 1").isEqualTo("51.5");
    }

    @Test
    void aNewPeriodStartsItsPaceAfreshAndReservationsCountAsSpent() {
        Instant now = Instant.parse("2026-03-03T06:00:00Z");
        Instant window = Forecast.windowStart(MARCH, now);
        assertThat(window).as("not before the period's start").isEqualTo(MARCH);

        Forecast forecast = Forecast.of(d("4.5"), window, now, d("10"), d("4.5"), d("0.5"), APRIL);
        assertThat(forecast.burnRate()).isEqualTo("2");
        assertThat(forecast.projectedRunOut()).as("5 left at 2 a day").isEqualTo(Instant.parse("2026-03-05T18:00:00Z"));
        assertThat(forecast.runsOutBeforePeriodEnd()).isTrue();
    }

    @Test
    void tooEarlyNothingSpentUnlimitedAndExhaustedBudgets() {
        Instant day = Instant.parse("2026-03-10T00:00:00Z");
        assertThat(Forecast.of(d("1"), day, day.plusSeconds(1800), d("10"), d("1"), d("0"),
                day.plusSeconds(86_400)).burnRate()).as("half an hour: too little to judge").isNull();

        Instant now = Instant.parse("2026-03-10T12:00:00Z");
        Forecast idle = Forecast.of(d("0"), Forecast.windowStart(MARCH, now), now, d("10"), d("0"), d("0"), APRIL);
        assertThat(idle.burnRate()).isEqualTo("0");
        assertThat(idle.projectedRunOut()).as("never at no spend").isNull();
        assertThat(idle.runsOutBeforePeriodEnd()).isFalse();

        Forecast unlimited = Forecast.of(d("7"), Forecast.windowStart(MARCH, now), now, null, d("7"), d("0"), APRIL);
        assertThat(unlimited.projectedRunOut()).isNull();
        assertThat(unlimited.runsOutBeforePeriodEnd()).isNull();
        assertThat(unlimited.projectedPeriodSpend()).isNotNull();

        Forecast exhausted = Forecast.of(d("7"), Forecast.windowStart(MARCH, now), now, d("10"), d("10"), d("0"),
                APRIL);
        assertThat(exhausted.projectedRunOut()).isEqualTo(now);
        assertThat(exhausted.runsOutBeforePeriodEnd()).isTrue();

        Forecast lifetime = Forecast.of(d("7"), Forecast.windowStart(null, now), now, d("100"), d("50"), d("0"), null);
        assertThat(lifetime.projectedPeriodSpend()).as("no period").isNull();
        assertThat(lifetime.runsOutBeforePeriodEnd()).isNull();
        assertThat(lifetime.projectedRunOut()).isNotNull();
    }
}
