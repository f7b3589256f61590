package dev.tollgate.api.money;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tollgate.api.InvalidValue;

import java.util.Locale;

/**
 * What to do when a request's worst case does not fit the remaining budget but its prompt does.
 * {@link #CLAMP} lowers the forwarded {@code max_tokens} to what the budget affords; {@link #REJECT} refuses.
 */
public enum OverBudgetPolicy {
    CLAMP, REJECT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static OverBudgetPolicy fromWireName(String value) {
        for (OverBudgetPolicy policy : values()) {
            if (policy.wireName().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return policy;
            }
        }
        throw new InvalidValue("unknown over-budget policy '" + value + "' (clamp or reject)");
    }
}
