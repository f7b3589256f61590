package dev.tollgate.query.support;

/** A query parameter that cannot be understood; the edge answers 400 with this message, naming the parameter. */
public class BadQuery extends IllegalArgumentException {

    private final String param;

    public BadQuery(String message) {
        this(message, null);
    }

    public BadQuery(String message, String param) {
        super(message);
        this.param = param;
    }

    /** The parameter it is about, or {@code null}. */
    public String param() {
        return param;
    }
}
