package dev.tollgate.edge.support;

import dev.tollgate.edge.config.TollgateProperties;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parts of the configuration tree for unit tests, bound from YAML-like pairs exactly as the application binds
 * {@code tollgate.*}: {@code Config.bind(Deployment.class, "name", "eu", "rpm", 10)}; whatever is not named takes
 * its default.
 */
public final class Config {

    private Config() {
    }

    /** The whole tree: {@code Config.tollgate("routing.strategy", "least-busy", "models[0].name", "m")}. */
    public static TollgateProperties tollgate(Object... pairs) {
        return tollgate(pairs(pairs));
    }

    public static TollgateProperties tollgate(Map<String, ?> properties) {
        return TollgateProperties.bind(TollgateProperties.class, properties);
    }

    public static <T> T bind(Class<T> type, Object... pairs) {
        return TollgateProperties.bind(type, pairs(pairs));
    }

    /** Names and values in turn, in order; a {@code null} value is left out (not configured). */
    public static Map<String, Object> pairs(Object... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("names and values in pairs");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                map.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return map;
    }

    /** {@code properties} of one list entry as entry {@code index} of {@code list}: {@code models[0].name}... */
    public static Map<String, Object> entry(String list, int index, Map<String, ?> properties) {
        Map<String, Object> map = new LinkedHashMap<>();
        properties.forEach((name, value) -> map.put(list + "[" + index + "]." + name, value));
        return map;
    }
}
