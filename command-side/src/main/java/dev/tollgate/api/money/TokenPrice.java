package dev.tollgate.api.money;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tollgate.api.InvalidValue;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A price per million tokens, as operators and providers publish it ({@code "0.15"} = 0.15 per 1M tokens).
 * Kept as an exact decimal; {@link #costOf(long)} rounds once, to the ledger's nano-units.
 */
public record TokenPrice(BigDecimal perMillion) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    public static final TokenPrice FREE = new TokenPrice(BigDecimal.ZERO);

    public TokenPrice {
        if (perMillion == null || perMillion.signum() < 0) {
            throw new InvalidValue("a token price must be zero or positive");
        }
    }

    /**
     * A price per million tokens in {@link DecimalText}'s grammar. Up to 18 decimal places: prices converted from
     * per-token tables (LiteLLM's) may have more than an amount's 9.
     */
    @JsonCreator
    public static TokenPrice perMillion(String decimal) {
        return new TokenPrice(DecimalText.parse(decimal, false, 18));
    }

    @JsonValue
    public String toDecimalString() {
        return perMillion.stripTrailingZeros().toPlainString();
    }

    public boolean isFree() {
        return perMillion.signum() == 0;
    }

    /**
     * The exact cost of {@code tokens} tokens before rounding: a shift of the decimal point by six places, the same
     * value as a division by a million without its long division (which was a tenth of the bytes a request allocated).
     */
    public BigDecimal exactCostOf(long tokens) {
        return perMillion.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
    }

    public Money costOf(long tokens) {
        return Money.rounded(exactCostOf(tokens));
    }

    /**
     * The largest number of tokens, at most {@code cap}, whose {@link #costOf cost} fits in {@code budget}.
     * A free price affords the whole cap.
     */
    public long affordableTokens(Money budget, long cap) {
        if (budget.isNegative()) {
            return 0;
        }
        if (isFree()) {
            return cap;
        }
        BigDecimal tokens = budget.toBigDecimal().multiply(MILLION).divide(perMillion, 0, RoundingMode.FLOOR);
        long n = tokens.min(BigDecimal.valueOf(cap)).longValue();
        // Rounding of costOf is half-up: step back while the rounded cost does not fit, forward while it does.
        while (n > 0 && costOf(n).isGreaterThan(budget)) {
            n--;
        }
        while (n < cap && !costOf(n + 1).isGreaterThan(budget)) {
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        return toDecimalString() + "/1M";
    }
}
