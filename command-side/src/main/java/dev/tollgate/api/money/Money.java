package dev.tollgate.api.money;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tollgate.api.InvalidValue;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An exact amount of the ledger currency, held as a whole number of nano-units (10^-9).
 * <p>
 * Never a {@code double}: sums of costs must equal the ledger to the last unit, after any replay.
 * It travels as a decimal string ({@code "12.5"}) in events and JSON.
 */
public record Money(long nanos) implements Comparable<Money> {

    public static final int SCALE = 9;
    private static final long NANOS_PER_UNIT = 1_000_000_000L;
    public static final Money ZERO = new Money(0);

    public static Money ofNanos(long nanos) {
        return nanos == 0 ? ZERO : new Money(nanos);
    }

    /**
     * Parses an amount such as {@code "10"}, {@code "0.25"}, {@code "-3.5"} ({@link DecimalText}'s grammar, with a
     * sign for amounts Tollgate wrote itself); more than 9 decimal places is refused, not rounded. Where a client
     * gives an amount, {@link #parseAmount} refuses the sign too.
     */
    @JsonCreator
    public static Money of(String decimal) {
        if (decimal == null || decimal.isBlank()) {
            throw new InvalidValue("an amount is required");
        }
        return ofNanos(DecimalText.parseNanos(decimal, true));
    }

    /** An amount a client gave: {@link DecimalText}'s grammar exactly (digits, at most 9 decimals, no sign). */
    public static Money parseAmount(String decimal) {
        if (decimal == null || decimal.isBlank()) {
            throw new InvalidValue("an amount is required");
        }
        return of(DecimalText.parse(decimal));
    }

    public static Money of(BigDecimal value) {
        try {
            return ofNanos(value.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact());
        } catch (ArithmeticException e) {
            throw new InvalidValue("'" + value.toPlainString() + "' has more than " + SCALE
                    + " decimal places or is too large");
        }
    }

    /** Rounds half up to the ledger's resolution: used once per computed cost, never on sums. */
    public static Money rounded(BigDecimal value) {
        return ofNanos(value.setScale(SCALE, RoundingMode.HALF_UP).unscaledValue().longValueExact());
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(nanos, SCALE);
    }

    /**
     * The amount in plain decimal, without trailing zeros ({@code "0.25"}, {@code "10"}, {@code "-3.5"}): what
     * {@code toBigDecimal().stripTrailingZeros().toPlainString()} gives, by integer arithmetic and one concatenation
     * (every spend event writes a dozen amounts).
     */
    @JsonValue
    public String toDecimalString() {
        if (nanos == Long.MIN_VALUE) {
            return toBigDecimal().toPlainString();
        }
        long abs = Math.abs(nanos);
        long whole = abs / NANOS_PER_UNIT;
        long fraction = abs % NANOS_PER_UNIT;
        String sign = nanos < 0 ? "-" : "";
        if (fraction == 0) {
            return sign + whole;
        }
        int digits = SCALE;
        while (fraction % 10 == 0) {
            fraction /= 10;
            digits--;
        }
        int significant = 1;
        for (long rest = fraction; rest >= 10; rest /= 10) {
            significant++;
        }
        // one concatenation of constants and numbers: the only array made is the result's
        return sign + whole + "." + LEADING_ZEROS[digits - significant] + fraction;
    }

    /** {@code LEADING_ZEROS[n]}: n zeros, the decimals before a fraction's first significant digit. */
    private static final String[] LEADING_ZEROS = {"", "0", "00", "000", "0000", "00000", "000000", "0000000",
            "00000000"};

    /**
     * {@code a + b} in nano-units, held at the largest (or smallest) amount instead of wrapping around: a budget and
     * its boosts may add up to more than a long holds, and more than can ever be spent must not read as less.
     */
    public static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    public Money plus(Money other) {
        return ofNanos(Math.addExact(nanos, other.nanos));
    }

    public Money minus(Money other) {
        return ofNanos(Math.subtractExact(nanos, other.nanos));
    }

    public boolean isNegative() {
        return nanos < 0;
    }

    public boolean isZero() {
        return nanos == 0;
    }

    public boolean isGreaterThan(Money other) {
        return nanos > other.nanos;
    }

    public static Money min(Money a, Money b) {
        return a.nanos <= b.nanos ? a : b;
    }

    public static Money max(Money a, Money b) {
        return a.nanos >= b.nanos ? a : b;
    }

    @Override
    public int compareTo(Money other) {
        return Long.compare(nanos, other.nanos);
    }

    @Override
    public String toString() {
        return toDecimalString();
    }
}
