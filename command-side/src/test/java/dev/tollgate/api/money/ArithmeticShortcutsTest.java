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
 * epoch arithmetic in {@link BudgetPeriod}, a decimal-point shift instead of a division in {@link TokenPrice}, an
 * amount's text written and read by integer arithmetic in {@link Money}.
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

    @Test
    void amountsWrittenByArithmeticEqualAmountsWrittenByBigDecimal() {
        Random random = new Random(9);
        long[] edges = {0, 1, -1, 9, 10, 999_999_999, 1_000_000_000, 1_000_000_001, -1_000_000_000, 100_000_000_000L,
                Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long nanos : edges) {
            assertThat(Money.ofNanos(nanos).toDecimalString()).as("%d", nanos).isEqualTo(plain(nanos));
        }
        for (int i = 0; i < 20_000; i++) {
            long magnitude = (long) Math.pow(10, random.nextInt(19));
            long nanos = random.nextLong() % magnitude;
            if (i % 3 == 0) {
                nanos -= nanos % (long) Math.pow(10, random.nextInt(10)); // trailing zeros in the fraction
            }
            assertThat(Money.ofNanos(nanos).toDecimalString()).as("%d", nanos).isEqualTo(plain(nanos));
            assertThat(Money.of(Money.ofNanos(nanos).toDecimalString()).nanos()).isEqualTo(nanos);
        }
    }

    private static String plain(long nanos) {
        BigDecimal stripped = BigDecimal.valueOf(nanos, Money.SCALE).stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0).toPlainString() : stripped.toPlainString();
    }

    @Test
    void amountsReadByArithmeticEqualAmountsReadByBigDecimal() {
        Random random = new Random(9);
        for (String text : new String[] {"0", "-0", "007", "0.000000001", "-0.5", "9223372036.854775807",
                "-9223372036.854775808", "9223372036.854775808", "999999999999999", "1.0000000000", "1e3", "-",
                "1.", ".5", "--1", "1.2.3", ""}) {
            assertThat(readByArithmetic(text)).as(text).isEqualTo(readByBigDecimal(text));
        }
        for (int i = 0; i < 20_000; i++) {
            String integer = Long.toString(Math.abs(random.nextLong() % (long) Math.pow(10, 1 + random.nextInt(15))));
            String text = (i % 2 == 0 ? "-" : "") + "0".repeat(i % 7 == 0 ? 2 : 0) + integer
                    + (i % 3 == 0 ? "" : "." + String.format("%09d", random.nextInt(1_000_000_000))
                    .substring(0, 1 + random.nextInt(9)));
            assertThat(readByArithmetic(text)).as(text).isEqualTo(readByBigDecimal(text));
        }
    }

    /** The amount's nano-units, or "refused" when it is not an amount the ledger can hold. */
    private static String readByArithmetic(String text) {
        try {
            return Long.toString(Money.of(text).nanos());
        } catch (IllegalArgumentException e) {
            return "refused";
        }
    }

    private static String readByBigDecimal(String text) {
        try {
            return Long.toString(Money.of(DecimalText.parse(text, true, Money.SCALE)).nanos());
        } catch (IllegalArgumentException e) {
            return "refused";
        }
    }
}
