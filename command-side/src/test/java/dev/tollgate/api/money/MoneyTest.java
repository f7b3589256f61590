package dev.tollgate.api.money;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoneyTest {

    @Test
    void keepsDecimalsExactlyAndPrintsThemWithoutFloatArtefacts() {
        Money tenth = Money.of("0.1");
        Money sum = Money.ZERO;
        for (int i = 0; i < 10; i++) {
            sum = sum.plus(tenth);
        }
        assertThat(sum).isEqualTo(Money.of("1"));
        assertThat(sum.toDecimalString()).isEqualTo("1");
        assertThat(Money.of("0.000000001").toDecimalString()).isEqualTo("0.000000001");
        assertThat(Money.of("1500").toDecimalString()).isEqualTo("1500");
    }

    @Test
    void refusesMorePrecisionThanTheLedgerKeepsInsteadOfRoundingSilently() {
        assertThatThrownBy(() -> Money.of("0.0000000001")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.of("ten")).hasMessageContaining("is not an amount");
    }

    @Test
    void travelsAsADecimalStringInJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.writeValueAsString(Money.of("12.50"))).isEqualTo("\"12.5\"");
        assertThat(json.readValue("\"0.25\"", Money.class)).isEqualTo(Money.of("0.25"));
    }

    @Test
    void pricesPerMillionTokensRoundOnceToNanoUnits() {
        TokenPrice price = TokenPrice.perMillion("0.0375");
        assertThat(price.exactCostOf(1)).isEqualByComparingTo(new BigDecimal("0.0000000375"));
        assertThat(price.costOf(1)).isEqualTo(Money.ofNanos(38)); // 37.5 nano-units round half up
        assertThat(price.costOf(1000)).isEqualTo(Money.of("0.0000375"));
        assertThat(TokenPrice.perMillion("2.50").costOf(1_000_000)).isEqualTo(Money.of("2.5"));
    }

    @Test
    void affordableTokensIsTheLargestCountWhoseCostFits() {
        TokenPrice price = TokenPrice.perMillion("3");
        Money budget = Money.of("0.001");
        long n = price.affordableTokens(budget, 1_000_000);
        assertThat(price.costOf(n)).isLessThanOrEqualTo(budget);
        assertThat(price.costOf(n + 1)).isGreaterThan(budget);
        assertThat(price.affordableTokens(budget, 10)).isEqualTo(10);
        assertThat(price.affordableTokens(Money.ofNanos(-5), 10)).isZero();
        assertThat(TokenPrice.FREE.affordableTokens(Money.ZERO, 77)).isEqualTo(77);
    }

    @Test
    void periodsAreCalendarAlignedInUtc() {
        Instant wednesday = Instant.parse("2026-03-11T15:30:00Z");
        assertThat(BudgetPeriod.DAILY.startOf(wednesday)).isEqualTo(Instant.parse("2026-03-11T00:00:00Z"));
        assertThat(BudgetPeriod.WEEKLY.startOf(wednesday)).isEqualTo(Instant.parse("2026-03-09T00:00:00Z"));
        assertThat(BudgetPeriod.MONTHLY.startOf(wednesday)).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTHLY.endOf(Instant.parse("2026-12-01T00:00:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(BudgetPeriod.NONE.endOf(BudgetPeriod.NONE.startOf(wednesday))).isNull();
    }
}
