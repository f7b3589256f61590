package dev.tollgate.edge.errors;

import org.springframework.http.HttpStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, so that every
 * OpenAI SDK understands it (status code, exception class, retry behaviour).
 */
public class ApiError extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiError(HttpStatus status, String type, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public static ApiError invalidRequest(String message, String param) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_request", param, message);
    }

    public static ApiError invalidApiKey(String message) {
        return new ApiError(HttpStatus.UNAUTHORIZED, "invalid_request_error", "invalid_api_key", null, message);
    }

    public static ApiError forbidden(String code, String message) {
        return new ApiError(HttpStatus.FORBIDDEN, "invalid_request_error", code, null, message);
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(HttpStatus.NOT_FOUND, "invalid_request_error", "model_not_found", "model",
                "The model '" + Echo.of(model) + "' does not exist. GET /v1/models lists the models your key may use.");
    }

    public static ApiError notFound(String message) {
        return new ApiError(HttpStatus.NOT_FOUND, "invalid_request_error", "not_found", null, message);
    }

    public static ApiError conflict(String message) {
        return new ApiError(HttpStatus.CONFLICT, "invalid_request_error", "conflict", null, message);
    }

    public static ApiError tooLarge(long limitBytes) {
        return new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, "invalid_request_error", "request_too_large", null,
                "The request body is larger than this gateway accepts (" + limitBytes + " bytes).");
    }

    /** Budget exhausted. {@code X-Should-Retry: false} keeps the official SDKs from retrying in vain. */
    public static ApiError insufficientQuota(String message) {
        return new ApiError(HttpStatus.TOO_MANY_REQUESTS, "insufficient_quota", "insufficient_quota", null, message)
                .withHeader("X-Should-Retry", "false");
    }

    public static ApiError upstream(HttpStatus status, String code, String message) {
        return new ApiError(status, "api_error", code, null, message);
    }

    /** The ledger's database cannot be reached: the official SDKs retry a 503, after {@code Retry-After}. */
    public static ApiError serviceUnavailable(String message, java.time.Duration retryAfter) {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "api_error", "service_unavailable", null, message)
                .withHeader("Retry-After", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
    }

    public static ApiError internal(String message) {
        return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "api_error", "internal_error", null, message);
    }

    public ApiError withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
