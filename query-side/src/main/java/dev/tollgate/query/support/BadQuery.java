package dev.tollgate.query.support;

/** A query parameter that cannot be understood; the edge answers 400. */
public class BadQuery extends IllegalArgumentException {

    public BadQuery(String message) {
        super(message);
    }
}
