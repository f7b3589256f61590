package dev.tollgate.api.money;

import dev.tollgate.api.InvalidValue;

import java.math.BigDecimal;

/**
 * The one grammar of amounts Tollgate reads: ASCII digits, optionally a {@code '.'} and 1 to 9 more digits
 * ({@code "5"}, {@code "0.25"}, {@code "100.000000001"}). Nothing else: no sign, no space, no exponent, no leading or
 * trailing point, no other digits than 0-9. Checked character by character before anything is converted, so that
 * no input (an exponent of a hundred million, a megabyte of digits) costs more than its length to refuse.
 */
public final class DecimalText {

    /** Digits after the point of an amount: the ledger's nano-units. */
    public static final int MAX_FRACTION_DIGITS = Money.SCALE;

    /** Digits before the point: more than any ledger amount (a long of nano-units holds 9,223,372,036 units). */
    public static final int MAX_INTEGER_DIGITS = 15;

    private DecimalText() {
    }

    /** Parses an amount of the grammar above; a {@link IllegalArgumentException} saying why otherwise. */
    public static BigDecimal parse(String text) {
        return parse(text, false, MAX_FRACTION_DIGITS);
    }

    /**
     * Parses {@code text} by the grammar, with a leading {@code '-'} when {@code signed} (amounts Tollgate itself
     * wrote, such as a negative adjustment) and up to {@code maxFractionDigits} after the point.
     */
    public static BigDecimal parse(String text, boolean signed, int maxFractionDigits) {
        String problem = problemOf(text, signed, maxFractionDigits);
        if (problem != null) {
            throw new InvalidValue(shown(text) + " is not an amount: " + problem
                    + " (an amount is written as digits 0-9 with at most " + maxFractionDigits
                    + " decimal places after a '.', such as \"12.50\")");
        }
        return new BigDecimal(text);
    }

    /**
     * Parses {@code text} by the grammar (signed when {@code signed}, at most 9 decimal places) straight into the
     * ledger's nano-units, without a BigDecimal: every stored event holds a dozen amounts.
     *
     * @throws IllegalArgumentException when the text is not an amount, or is too large for the ledger
     */
    public static long parseNanos(String text, boolean signed) {
        String problem = problemOf(text, signed, Money.SCALE);
        if (problem != null) {
            parse(text, signed, Money.SCALE); // throws with the reason
        }
        boolean negative = text.charAt(0) == '-';
        long nanos = 0;
        int fractionDigits = -1;
        try {
            for (int i = negative ? 1 : 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '.') {
                    fractionDigits = 0;
                    continue;
                }
                nanos = Math.addExact(Math.multiplyExact(nanos, 10), negative ? -(c - '0') : c - '0');
                if (fractionDigits >= 0) {
                    fractionDigits++;
                }
            }
            for (int i = Math.max(fractionDigits, 0); i < Money.SCALE; i++) {
                nanos = Math.multiplyExact(nanos, 10);
            }
        } catch (ArithmeticException e) {
            throw new InvalidValue("'" + text + "' is too large for the ledger");
        }
        return nanos;
    }

    /**
     * A number that arrived as a number (a JSON number in a fetched price table), held to the grammar's bounds without
     * ever being expanded: at most {@link #MAX_INTEGER_DIGITS} digits before the point and {@code maxFractionDigits}
     * after it, not negative. {@code 1e100000000} is refused at once instead of becoming a hundred million digits.
     */
    public static BigDecimal bounded(BigDecimal value, int maxFractionDigits) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.signum() < 0) {
            throw new InvalidValue("an amount cannot be negative");
        }
        if (stripped.signum() != 0 && (stripped.precision() - stripped.scale() > MAX_INTEGER_DIGITS
                || stripped.scale() > maxFractionDigits)) {
            throw new InvalidValue("a number with more than " + MAX_INTEGER_DIGITS + " digits before the "
                    + "point or more than " + maxFractionDigits + " decimal places is not an amount");
        }
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Whether {@code text} is an amount of the grammar (unsigned, at most 9 decimal places). */
    public static boolean isAmount(String text) {
        return problemOf(text, false, MAX_FRACTION_DIGITS) == null;
    }

    private static String problemOf(String text, boolean signed, int maxFractionDigits) {
        if (text == null || text.isEmpty()) {
            return "it is empty";
        }
        int i = 0;
        if (signed && text.charAt(0) == '-') {
            i = 1;
        }
        int integerDigits = 0;
        while (i < text.length() && isDigit(text.charAt(i))) {
            integerDigits++;
            i++;
        }
        if (integerDigits == 0) {
            return "it must start with a digit";
        }
        if (integerDigits > MAX_INTEGER_DIGITS) {
            return "more than " + MAX_INTEGER_DIGITS + " digits before the point";
        }
        if (i == text.length()) {
            return null;
        }
        if (text.charAt(i) != '.') {
            return "only digits and one '.' are allowed";
        }
        i++;
        int fractionDigits = 0;
        while (i < text.length() && isDigit(text.charAt(i))) {
            fractionDigits++;
            i++;
        }
        if (i < text.length()) {
            return "only digits and one '.' are allowed";
        }
        if (fractionDigits == 0) {
            return "a digit must follow the point";
        }
        if (fractionDigits > maxFractionDigits) {
            return "more than " + maxFractionDigits + " decimal places";
        }
        return null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The text as an error may show it: quoted, at most 40 characters, control characters replaced. */
    private static String shown(String text) {
        if (text == null) {
            return "nothing";
        }
        StringBuilder shown = new StringBuilder("'");
        for (int i = 0; i < Math.min(text.length(), 40); i++) {
            char c = text.charAt(i);
            shown.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return shown.append(text.length() > 40 ? "…'" : "'").toString();
    }
}
