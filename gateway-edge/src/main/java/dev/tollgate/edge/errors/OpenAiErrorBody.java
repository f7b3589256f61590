package dev.tollgate.edge.errors;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code {"error":{"message":…,"type":…,"param":…,"code":…}}} */
public record OpenAiErrorBody(Error error) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Error(String message, String type, String param, String code) {
    }

    public static OpenAiErrorBody of(ApiError e) {
        return new OpenAiErrorBody(new Error(Echo.bounded(e.getMessage()), e.type(),
                e.param() == null ? null : Echo.of(e.param()), e.code()));
    }
}
