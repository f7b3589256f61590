package dev.tollgate.query.support;

/** A read for something that does not exist; the edge answers 404 in OpenAI's error shape. */
public class NotFound extends RuntimeException {

    public NotFound(String message) {
        super(message, null, false, false);
    }
}
