package dev.tollgate.projection.support;

import dev.tollgate.api.money.Money;

import java.math.BigDecimal;

/** Conversions between the ledger's value types and column values. */
public final class Columns {

    private Columns() {
    }

    public static BigDecimal amount(Money money) {
        return money == null ? null : money.toBigDecimal();
    }
}
