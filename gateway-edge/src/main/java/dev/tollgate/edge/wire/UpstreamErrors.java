package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.errors.ApiError;
import org.springframework.http.HttpStatus;

/**
 * How an upstream's failure reaches the client. The client's own mistakes (400, 404, 422...) come back as the
 * upstream said them; the gateway's troubles (credentials, 5xx, timeouts) become 502/504, so that a client never
 * takes an upstream's 401 for a problem with its own key.
 */
public final class UpstreamErrors {

    private UpstreamErrors() {
    }

    public static ApiError toApiError(UpstreamFailure failure, ObjectMapper json) {
        return switch (failure.kind()) {
            case TIMEOUT -> ApiError.upstream(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout",
                    failure.getMessage() + ". Nothing was charged.");
            case CONNECTION -> ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_unreachable",
                    failure.getMessage() + ". Nothing was charged.");
            case HTTP_STATUS -> fromStatus(failure, json);
        };
    }

    private static ApiError fromStatus(UpstreamFailure failure, ObjectMapper json) {
        int status = failure.status();
        JsonNode error = upstreamError(failure.body(), json);
        String upstreamMessage = error == null ? null : error.path("message").asText(null);
        if (status == 401 || status == 403) {
            return ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_auth", failure.getMessage()
                    + ": the upstream refused the gateway's credentials. Nothing was charged.");
        }
        if (status == 429) {
            ApiError limited = new ApiError(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error", "upstream_rate_limited",
                    null, "The upstream is rate limiting this model" + (upstreamMessage == null ? "" : ": "
                    + upstreamMessage) + ". Nothing was charged; try again shortly.");
            return failure.retryAfter() == null ? limited : limited.withHeader("Retry-After", failure.retryAfter());
        }
        if (status >= 400 && status < 500) {
            return new ApiError(statusOf(status),
                    error == null ? "invalid_request_error" : error.path("type").asText("invalid_request_error"),
                    error == null ? "upstream_rejected" : error.path("code").asText("upstream_rejected"),
                    error == null ? null : error.path("param").asText(null),
                    (upstreamMessage == null ? "The upstream refused the request (HTTP " + status + ")"
                            : upstreamMessage) + " (nothing was charged)");
        }
        return ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_error", failure.getMessage()
                + (upstreamMessage == null ? "" : ": " + upstreamMessage) + ". Nothing was charged.");
    }

    private static JsonNode upstreamError(byte[] body, ObjectMapper json) {
        try {
            JsonNode error = json.readTree(body).get("error");
            return error != null && error.isObject() ? error : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The client sees the upstream's own 4xx status; one Java does not know becomes a 502. */
    public static HttpStatus statusOf(int code) {
        HttpStatus status = HttpStatus.resolve(code);
        return status == null ? HttpStatus.BAD_GATEWAY : status;
    }
}
