package dev.tollgate.api;

/**
 * A value sent by a client that Tollgate cannot take (an amount that is no amount, an unknown period or role), said in
 * words the client may read: the edge answers it with a 400 carrying this message. Any other
 * {@link IllegalArgumentException} is a bug, answered with a 500 whose message says nothing of it.
 */
public class InvalidValue extends IllegalArgumentException {

    public InvalidValue(String message) {
        super(message);
    }
}
