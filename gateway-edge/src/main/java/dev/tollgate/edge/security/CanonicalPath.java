package dev.tollgate.edge.security;

import dev.tollgate.edge.errors.ApiError;
import org.springframework.http.HttpStatus;

/**
 * Refuses request paths that different layers could read differently: empty, doubled or dot segments, matrix
 * parameters ({@code ;}), backslashes, malformed escapes, and escapes that decode to a separator, a {@code %}
 * (double encoding) or a control character (NUL included). What is left has one meaning: its decoded form, which
 * is what the router matches and what {@link RouteTable} decides on. Escaped ordinary characters ({@code %61} for
 * {@code a}) are equivalent to the characters themselves (RFC 3986, 6.2.2.2) and decide like them.
 */
public final class CanonicalPath {

    private CanonicalPath() {
    }

    /** Throws a 400 in OpenAI's shape unless {@code rawPath} (as received, still encoded) has one meaning. */
    public static void require(String rawPath) {
        String problem = problemOf(rawPath);
        if (problem != null) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_path", null,
                    "The request path is not in canonical form (" + problem + ").");
        }
    }

    /** Why the path is ambiguous, or {@code null} when it is not. */
    static String problemOf(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return "it must start with '/'";
        }
        int segmentStart = 1;
        for (int i = 1; i <= rawPath.length(); i++) {
            if (i == rawPath.length() || rawPath.charAt(i) == '/') {
                String problem = segmentProblem(rawPath.substring(segmentStart, i), i == rawPath.length());
                if (problem != null) {
                    return problem;
                }
                segmentStart = i + 1;
            }
        }
        return null;
    }

    private static String segmentProblem(String raw, boolean last) {
        if (raw.isEmpty()) {
            return last ? null : "an empty segment ('//')"; // a trailing slash is a different route, not ambiguous
        }
        StringBuilder decoded = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    return "a malformed percent-escape";
                }
                char escaped = (char) (hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
                if (escaped == '/' || escaped == '\\' || escaped == '%' || escaped == ';') {
                    return "an escaped separator or percent sign";
                }
                c = escaped;
                i += 2;
            } else if (c == ';') {
                return "a matrix parameter (';')";
            } else if (c == '\\') {
                return "a backslash";
            }
            if (c < 0x20 || c == 0x7f) {
                return "a control character";
            }
            decoded.append(c);
        }
        String segment = decoded.toString();
        if (segment.equals(".") || segment.equals("..")) {
            return "a dot segment";
        }
        return null;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
