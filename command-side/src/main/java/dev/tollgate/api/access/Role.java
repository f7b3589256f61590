package dev.tollgate.api.access;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tollgate.api.InvalidValue;

import java.util.Locale;

/**
 * What an administrative credential may do. (Students and staff hold API keys, not credentials: with their key
 * they may read their own spend.)
 */
public enum Role {
    /** Everything. */
    ADMIN,
    /** Their teams only: members, keys, boosts, budgets up to a cap; reads of their teams only. */
    MANAGER,
    /** Reads everything, changes nothing. */
    FINANCE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role fromWireName(String value) {
        for (Role role : values()) {
            if (role.wireName().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return role;
            }
        }
        throw new InvalidValue("unknown role '" + value + "' (admin, manager or finance)");
    }
}
