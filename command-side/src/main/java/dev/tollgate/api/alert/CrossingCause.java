package dev.tollgate.api.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What made spend cross a threshold. */
public enum CrossingCause {
    /** a request was settled or expired */
    REQUEST,
    /** an approved recalculation corrected costs upwards */
    RECALCULATION,
    /** a boost ended (or was revoked): the effective limit went down */
    BOOST_ENDED,
    /** a budget was lowered or its period changed */
    BUDGET_CHANGED,
    /** the threshold was set on an account already past it */
    THRESHOLD_SET;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static CrossingCause fromWireName(String value) {
        return CrossingCause.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
