package dev.tollgate.query.access;

/** A read the caller's role does not allow; the edge answers 403 in OpenAI's error shape. */
public class ForbiddenRead extends RuntimeException {

    public ForbiddenRead(String message) {
        super(message, null, false, false);
    }
}
