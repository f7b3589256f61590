package dev.tollgate.query.support;

import java.math.BigDecimal;

/** Money read from NUMERIC columns, written as decimal strings without float artefacts or trailing zeros. */
public final class Amounts {

    private Amounts() {
    }

    public static String format(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        BigDecimal plain = amount.stripTrailingZeros();
        return plain.scale() < 0 ? plain.setScale(0).toPlainString() : plain.toPlainString();
    }
}
