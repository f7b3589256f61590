package dev.tollgate.edge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.errors.ApiError;
import org.springframework.http.HttpStatus;

/**
 * How an upstream's failure reaches the client. The client's own mistakes (400, 404, 422...) come back with the
 * upstream's status, type, code and param; the gateway's troubles (credentials, 5xx, timeouts) become 502/504, so
 * that a client never takes an upstream's 401 for a problem with its own key.
 * <p>
 * What only an operator should see, the upstream's own error text and the names of deployments, reaches the client
 * only when {@code tollgate.edge.expose-upstream-details} is on; the log has it either way. Whatever comes from the
 * upstream is bounded ({@value #MAX_ECHO} characters).
 */
public final class UpstreamErrors {

    static final int MAX_ECHO = 200;

    private UpstreamErrors() {
    }

    /**
     * The error of a request the upstream cannot have billed, which was therefore released.
     *
     * @param details whether the message may carry the upstream's text and the deployment's name
     */
    public static ApiError toApiError(UpstreamFailure failure, ObjectMapper json, boolean details) {
        String which = details ? bounded(failure.getMessage()) : "The upstream of this model";
        return switch (failure.kind()) {
            case TIMEOUT -> ApiError.upstream(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout",
                    (details ? which : which + " did not answer in time") + ". Nothing was charged.");
            case CONNECTION -> ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_unreachable",
                    (details ? which : which + " could not be reached") + ". Nothing was charged.");
            case HTTP_STATUS -> fromStatus(failure, json, details);
            // never released: a too-large answer was generated, so it may be billed (toChargedApiError)
            case TOO_LARGE -> throw new IllegalArgumentException("A too-large answer is charged, not released");
        };
    }

    /**
     * The error of a request the upstream may bill for ({@link UpstreamFailure#mayBill}), which was therefore
     * charged {@code charged} (its reservation, a decimal string) rather than released.
     */
    public static ApiError toChargedApiError(UpstreamFailure failure, boolean details, String charged) {
        String which = details ? bounded(failure.getMessage()) : "The upstream of this model";
        String outcome = ". The upstream may bill for this request, so it was charged its reserved worst case, "
                + charged + ".";
        return switch (failure.kind()) {
            case TIMEOUT -> ApiError.upstream(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout",
                    (details ? which : which + " did not answer in time") + " after the request was sent" + outcome);
            case CONNECTION -> ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_connection_lost",
                    (details ? which : which + ": the connection was lost") + " after the request was sent"
                            + outcome);
            case TOO_LARGE -> ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_answer_too_large",
                    (details ? which : which + " answered more than this gateway passes on") + outcome);
            case HTTP_STATUS -> ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_error",
                    (details ? which : which + " answered HTTP " + failure.status()
                            + ", not an answer this gateway can pass on") + outcome);
        };
    }

    private static ApiError fromStatus(UpstreamFailure failure, ObjectMapper json, boolean details) {
        int status = failure.status();
        JsonNode error = upstreamError(failure.body(), json);
        String upstreamMessage = error == null || !details ? null : bounded(error.path("message").asText(null));
        String which = details ? bounded(failure.getMessage()) : "The upstream of this model answered HTTP " + status;
        if (status == 401 || status == 403) {
            return ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_auth", which
                    + ": the upstream refused the gateway's credentials. Nothing was charged.");
        }
        if (status == 429) {
            ApiError limited = new ApiError(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error", "upstream_rate_limited",
                    null, "The upstream is rate limiting this model" + (upstreamMessage == null ? "" : ": "
                    + upstreamMessage) + ". Nothing was charged; try again shortly.");
            return failure.retryAfter() == null ? limited
                    : limited.withHeader("Retry-After", bounded(failure.retryAfter()));
        }
        if (status >= 400 && status < 500) {
            return new ApiError(statusOf(status),
                    error == null ? "invalid_request_error" : word(error.path("type").asText(null),
                            "invalid_request_error"),
                    error == null ? "upstream_rejected" : word(error.path("code").asText(null), "upstream_rejected"),
                    error == null ? null : word(error.path("param").asText(null), null),
                    (upstreamMessage == null ? "The upstream refused the request (HTTP " + status + ")"
                            : upstreamMessage) + " (nothing was charged)");
        }
        return ApiError.upstream(HttpStatus.BAD_GATEWAY, "upstream_error", which
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

    /** An upstream's type, code or param, passed on only when it is a short identifier. */
    private static String word(String value, String otherwise) {
        return value != null && value.length() <= 64 && value.matches("[A-Za-z0-9_.\\[\\]-]+") ? value : otherwise;
    }

    static String bounded(String text) {
        return text == null || text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO - 1) + "…";
    }

    /** The client sees the upstream's own 4xx status; one Java does not know becomes a 502. */
    public static HttpStatus statusOf(int code) {
        HttpStatus status = HttpStatus.resolve(code);
        return status == null ? HttpStatus.BAD_GATEWAY : status;
    }
}
