package dev.tollgate.edge.errors;

/**
 * What the HTTP layer accepts before any route sees a request. A request past one of these is answered by
 * {@link HttpLayerErrors} in OpenAI's error shape (414, 431, 400), never with an empty body.
 */
public final class HttpLimits {

    /** The longest request line ({@code GET /path?query HTTP/1.1}), in bytes: past it, 414. */
    public static final int MAX_REQUEST_LINE = 8 * 1024;

    /** The most bytes of request headers, all together: past it, 431. */
    public static final int MAX_HEADERS = 16 * 1024;

    /** The longest piece of client input (a model name, an id) an error message repeats; longer is cut. */
    public static final int MAX_ECHO = 200;

    /** The longest error message Tollgate sends, echoes included. */
    public static final int MAX_MESSAGE = 1000;

    private HttpLimits() {
    }
}
