package dev.tollgate.api;

/**
 * An aggregate refused a command because it breaks one of its rules. The {@link Reason} tells the edge which HTTP
 * status fits (404, 409, 400) without the edge knowing the rule.
 */
public class CommandRefused extends RuntimeException {

    public enum Reason { NOT_FOUND, CONFLICT, INVALID }

    private final Reason reason;

    public CommandRefused(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public static CommandRefused notFound(String message) {
        return new CommandRefused(Reason.NOT_FOUND, message);
    }

    public static CommandRefused conflict(String message) {
        return new CommandRefused(Reason.CONFLICT, message);
    }

    public static CommandRefused invalid(String message) {
        return new CommandRefused(Reason.INVALID, message);
    }

    public Reason reason() {
        return reason;
    }
}
