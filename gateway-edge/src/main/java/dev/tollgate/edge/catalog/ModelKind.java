package dev.tollgate.edge.catalog;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a model does, and so which OpenAI routes it serves. A model used on a route it does not serve is refused
 * with a 400 before anything is reserved.
 */
public enum ModelKind {

    /** Chat completions, (legacy) completions and responses. */
    CHAT("chat", "/v1/chat/completions, /v1/completions and /v1/responses"),
    /** {@code /v1/embeddings}. */
    EMBEDDING("embedding", "/v1/embeddings"),
    /** {@code /v1/images/generations}. */
    IMAGE("image", "/v1/images/generations");

    private final String configName;
    private final String routes;

    ModelKind(String configName, String routes) {
        this.configName = configName;
        this.routes = routes;
    }

    public String configName() {
        return configName;
    }

    /** The routes a model of this kind serves, for error messages. */
    public String routes() {
        return routes;
    }

    public static ModelKind parse(String model, String kind) {
        if (kind == null || kind.isBlank()) {
            return CHAT;
        }
        String wanted = kind.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.configName.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalStateException("Model '" + model + "': unknown kind '" + kind
                        + "' (chat, embedding or image)."));
    }
}
