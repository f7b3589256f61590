package dev.tollgate.api;

/**
 * An aggregate refused a command because it breaks one of its rules. The {@link Reason} tells the edge which HTTP
 * status fits (404, 409, 400, 403) without the edge knowing the rule.
 */
public class CommandRefused extends RuntimeException {

    /**
     * {@code LIMIT_REACHED}: a bound on what an aggregate holds (members of a team, boosts of an account);
     * {@code FORBIDDEN}: the sender was allowed to act on something else than what the aggregate holds (a manager of
     * one team, on a key of another).
     */
    public enum Reason { NOT_FOUND, CONFLICT, INVALID, LIMIT_REACHED, FORBIDDEN }

    private final Reason reason;
    private final String code;

    public CommandRefused(Reason reason, String message) {
        this(reason, null, message);
    }

    private CommandRefused(Reason reason, String code, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.code = code;
    }

    public static CommandRefused notFound(String message) {
        return new CommandRefused(Reason.NOT_FOUND, message);
    }

    public static CommandRefused conflict(String message) {
        return new CommandRefused(Reason.CONFLICT, message);
    }

    /** A conflict its sender tells apart by {@code code} ({@code stale_recalculation}). */
    public static CommandRefused conflict(String code, String message) {
        return new CommandRefused(Reason.CONFLICT, code, message);
    }

    public static CommandRefused invalid(String message) {
        return new CommandRefused(Reason.INVALID, message);
    }

    /** @param code what the client is told, as OpenAI's error {@code code} ({@code team_member_limit}) */
    public static CommandRefused limitReached(String code, String message) {
        return new CommandRefused(Reason.LIMIT_REACHED, code, message);
    }

    public Reason reason() {
        return reason;
    }

    /** The error code of a {@code LIMIT_REACHED} refusal, or of a conflict given one; {@code null} otherwise. */
    public String code() {
        return code;
    }
}
