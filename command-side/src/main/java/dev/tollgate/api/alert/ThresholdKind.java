package dev.tollgate.api.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tollgate.api.InvalidValue;

import java.util.Locale;

/**
 * What crosses a threshold: spend reaching a percentage of the effective limit, or spend at a pace that runs the
 * budget out before its period ends (docs/alerts.md: the pace of the period so far).
 */
public enum ThresholdKind {
    PERCENT, RUN_OUT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ThresholdKind fromWireName(String value) {
        for (ThresholdKind kind : values()) {
            if (value != null && kind.wireName().equalsIgnoreCase(value.trim())) {
                return kind;
            }
        }
        throw new InvalidValue("unknown threshold kind '" + value + "' (percent or run_out)");
    }
}
