package dev.tollgate.api.money;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.time.DayOfWeek;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot path's arithmetic shortcuts give exactly what the plain java.time and BigDecimal ways give: UTC days by
 * epoch arithmetic in {@link BudgetPeriod}, a decimal-point shift instead of a division in {@link TokenPrice}.
 */
class ArithmeticShortcutsTest {

    @Test
    void periodsByArithmeticEqualPeriodsByJavaTime() {
        Random random = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            // from 1900 to 2200, with the instants around midnight that a shortcut could get wrong
            long second = -2_208_988_800L + (long) (random.nextDouble() * 9_467_280_000L);
            if (i % 4 == 0) {
                second = Math.floorDiv(second, 86_400) * 86_400 + (i % 8 == 0 ? 0 : -1);
            }
            Instant at = Instant.ofEpochSecond(second, random.nextInt(1_000_000_000));
            LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
            assertThat(BudgetPeriod.DAILY.startOf(at)).isEqualTo(day.atStartOfDay(ZoneOffset.UTC).toInstant());
            assertThat(BudgetPeriod.WEEKLY.startOf(at)).isEqualTo(day.with(TemporalAdjusters.previousOrSame(
                    DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC).toInstant());
            Instant month = day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            assertThat(BudgetPeriod.MONTHLY.startOf(at)).isEqualTo(month);
            assertThat(BudgetPeriod.MONTHLY.endOf(month))
                    .isEqualTo(day.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant());
            assertThat(BudgetPeriod.NONE.startOf(at)).isEqualTo(Instant.EPOCH);
        }
    }

    @Test
    void costsByShiftingTheDecimalPointEqualCostsByDivision() {
        Random random = new Random(9);
        BigDecimal million = BigDecimal.valueOf(1_000_000);
        for (int i = 0; i < 20_000; i++) {
            BigDecimal perMillion = BigDecimal.valueOf(random.nextInt(100_000_000), random.nextInt(19));
            long tokens = i % 10 == 0 ? 0 : random.nextInt(2_000_000);
            TokenPrice price = new TokenPrice(perMillion);
            BigDecimal divided = perMillion.multiply(BigDecimal.valueOf(tokens)).divide(million);
            assertThat(price.exactCostOf(tokens)).isEqualByComparingTo(divided);
            assertThat(price.costOf(tokens)).isEqualTo(Money.rounded(divided));
        }
    }
}
