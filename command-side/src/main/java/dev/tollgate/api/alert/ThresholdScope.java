package dev.tollgate.api.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tollgate.api.InvalidValue;

import java.util.Locale;

/**
 * Which budget accounts of a team a threshold watches: the team's own, one member's, one key's (a key with a budget
 * of its own), or every member carrying a tag (a cohort).
 */
public enum ThresholdScope {
    TEAM, USER, KEY, TAG;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ThresholdScope fromWireName(String value) {
        for (ThresholdScope scope : values()) {
            if (value != null && scope.wireName().equalsIgnoreCase(value.trim())) {
                return scope;
            }
        }
        throw new InvalidValue("unknown threshold scope '" + value + "' (team, user, key or tag)");
    }
}
