package dev.tollgate.api.money;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One grammar of amounts: ASCII digits, optionally a point and 1 to 9 more digits; nothing else. */
class DecimalTextTest {

    @Test
    void acceptsDigitsWithAtMostNineDecimals() {
        assertThat(DecimalText.parse("5")).isEqualByComparingTo("5");
        assertThat(DecimalText.parse("0.25")).isEqualByComparingTo("0.25");
        assertThat(DecimalText.parse("007.000000001")).isEqualByComparingTo("7.000000001");
        assertThat(DecimalText.parse("999999999999999")).isEqualByComparingTo(new BigDecimal("999999999999999"));
        assertThat(Money.parseAmount("12.50")).isEqualTo(Money.of("12.5"));
    }

    @Test
    void refusesEverythingElse() {
        for (String bad : new String[]{"", "+5", "-5", " 5", "5 ", ".5", "5.", "1e3", "1E3", "1e100000000",
                "0x10", "1,5", "1_000", "5..0", "1.2.3", "0.0000000001", "NaN", "Infinity", "٥", "５", "1\u00005",
                "9".repeat(16), "1".repeat(1_000_000)}) {
            assertThatThrownBy(() -> DecimalText.parse(bad)).as(bad.length() > 40 ? "long" : bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an amount");
            assertThat(DecimalText.isAmount(bad)).isFalse();
            assertThatThrownBy(() -> Money.parseAmount(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesAHugeExponentAtOnceWithAShortMessage() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> Money.of("1e100000000")).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        assertThatThrownBy(() -> TokenPrice.perMillion("1e100000000")).isInstanceOf(IllegalArgumentException.class);
        String huge = "1".repeat(10_000_000);
        assertThatThrownBy(() -> Money.parseAmount(huge)).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        assertThat(System.nanoTime() - started).isLessThan(1_000_000_000L);
    }

    @Test
    void amountsTollgateWroteItselfMayBeNegativeButNotGivenSo() {
        assertThat(Money.of("-0.003")).isEqualTo(Money.ofNanos(-3_000_000));
        assertThatThrownBy(() -> Money.parseAmount("-0.003")).isInstanceOf(IllegalArgumentException.class);
        assertThat(TokenPrice.perMillion("0.000000000000000001").perMillion()).isEqualByComparingTo("1e-18");
    }
}
