package dev.tollgate.edge.outbound;

/**
 * An outbound fetch that was refused before anything was sent ({@link Kind#REFUSED}: the URL is not one Tollgate
 * fetches) or that was tried and failed ({@link Kind#FAILED}). The message is meant for the admin who chose the URL:
 * it names the problem in a few words and never carries what the server sent, nor an internal error text.
 */
public class OutboundException extends RuntimeException {

    /** Whether anything was sent. */
    public enum Kind { REFUSED, FAILED }

    private final Kind kind;

    OutboundException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    static OutboundException refused(String message) {
        return new OutboundException(Kind.REFUSED, message);
    }

    static OutboundException failed(String message) {
        return new OutboundException(Kind.FAILED, message);
    }

    public Kind kind() {
        return kind;
    }
}
