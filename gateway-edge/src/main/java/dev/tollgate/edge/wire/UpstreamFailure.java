package dev.tollgate.edge.wire;

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
}
