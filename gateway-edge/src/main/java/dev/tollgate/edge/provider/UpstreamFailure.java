package dev.tollgate.edge.provider;

/**
 * An upstream that did not answer well: an HTTP error status (with its body), a timeout or a broken connection.
 *
 * @param status     the upstream's HTTP status, or 0 when there was no HTTP answer
 * @param retryAfter the upstream's {@code Retry-After}, if any
 */
public class UpstreamFailure extends RuntimeException {

    public enum Kind { HTTP_STATUS, TIMEOUT, CONNECTION }

    private final Kind kind;
    private final int status;
    private final byte[] body;
    private final String retryAfter;

    public UpstreamFailure(Kind kind, int status, byte[] body, String retryAfter, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.status = status;
        this.body = body == null ? new byte[0] : body;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return status;
    }

    public byte[] body() {
        return body;
    }

    public String retryAfter() {
        return retryAfter;
    }

    /** A provider that does not serve {@code path}: a 400 with an OpenAI-style error body. */
    public static UpstreamFailure unsupported(dev.tollgate.edge.catalog.CatalogModel model, String path) {
        String message = "The provider '" + model.provider() + "' of model '" + model.name() + "' does not serve /v1"
                + path + ".";
        byte[] body = ("{\"error\":{\"message\":\"" + message.replace("\"", "'") + "\",\"type\":"
                + "\"invalid_request_error\",\"param\":\"model\",\"code\":\"unsupported_endpoint\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new UpstreamFailure(Kind.HTTP_STATUS, 400, body, null, message, null);
    }
}
