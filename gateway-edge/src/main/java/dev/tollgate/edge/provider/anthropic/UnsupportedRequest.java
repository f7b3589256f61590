package dev.tollgate.edge.provider.anthropic;

/** A chat completion request that cannot be said in the Messages API; the client gets a 400 naming {@link #param}. */
public class UnsupportedRequest extends RuntimeException {

    private final String param;

    public UnsupportedRequest(String param, String message) {
        super(message, null, false, false);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
