package dev.tollgate.edge.pricesource;

/** A price source could not be read or checked; the message names the problem, never what a server sent. */
public class PriceSourceException extends RuntimeException {

    public PriceSourceException(String message) {
        super(message, null, false, false);
    }
}
