package dev.tollgate.api.money;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.tollgate.api.InvalidValue;

/**
 * A spending limit and the period after which spend starts again from zero.
 * A {@code null} limit means unlimited (spend is still recorded).
 */
public record Budget(Money limit, BudgetPeriod period) {

    public static final Budget UNLIMITED = new Budget(null, BudgetPeriod.NONE);

    public Budget {
        if (period == null) {
            period = BudgetPeriod.NONE;
        }
        if (limit != null && limit.isNegative()) {
            throw new InvalidValue("a budget limit cannot be negative");
        }
    }

    public static Budget of(String limit, BudgetPeriod period) {
        return new Budget(Money.of(limit), period);
    }

    /**
     * Whether it has a limit. Derived, never stored: without {@code @JsonIgnore} Jackson would write it as a property
     * {@code limited} into every event and snapshot that holds a budget (those stored so read it as an unknown
     * property, ignored).
     */
    @JsonIgnore
    public boolean isLimited() {
        return limit != null;
    }
}
