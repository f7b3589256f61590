package dev.tollgate.edge.wire;

/**
 * An upstream that did not answer well: an HTTP error status (with its body), a timeout, a broken connection, or an
 * answer too large to pass on.
 *
 * @param status     the upstream's HTTP status, or 0 when there was no HTTP answer
 * @param retryAfter the upstream's {@code Retry-After}, if any
 */
public class UpstreamFailure extends RuntimeException {

    public enum Kind { HTTP_STATUS, TIMEOUT, CONNECTION, TOO_LARGE }

    private final Kind kind;
    private final int status;
    private final byte[] body;
    private final String retryAfter;
    private final boolean mayBill;

    /** A failure the upstream cannot have billed: it refused the request, or never received it. */
    public UpstreamFailure(Kind kind, int status, byte[] body, String retryAfter, String message, Throwable cause) {
        this(kind, status, body, retryAfter, message, cause, false);
    }

    /**
     * @param mayBill whether the upstream may bill for the request: it was sent, and the upstream did not refuse it
     *                (a success status arrived, or nothing did). Such a request is neither sent again nor released:
     *                it is charged its reservation (docs/routing.md, "Retries"). Always true of an answer too large:
     *                it arrived, so it was generated and billed.
     */
    public UpstreamFailure(Kind kind, int status, byte[] body, String retryAfter, String message, Throwable cause,
                           boolean mayBill) {
        super(message, cause, false, false);
        if (kind == Kind.TOO_LARGE && !mayBill) {
            throw new IllegalArgumentException("An answer too large to read was generated: the upstream may bill it");
        }
        this.kind = kind;
        this.status = status;
        this.body = body == null ? new byte[0] : body;
        this.retryAfter = retryAfter;
        this.mayBill = mayBill;
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

    /** Whether the upstream may bill for the request (see the constructor). */
    public boolean mayBill() {
        return mayBill;
    }
}
