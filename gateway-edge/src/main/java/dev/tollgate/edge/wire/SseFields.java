package dev.tollgate.edge.wire;

import java.util.regex.Pattern;

/**
 * The fields of one server-sent event, read as the SSE specification reads them: a line ends at CRLF, LF or CR (the
 * rule {@link SseSplitter} cuts events by), and the values of the data lines are joined by LF, without the one space
 * after {@code data:}.
 *
 * @param data       the event's data, trimmed; {@code null} when it has no data line (a comment or a keep-alive)
 * @param otherLines its other lines that are not empty ({@code event:}, {@code id:}, comments), each ended by LF;
 *                   {@code null} when there are none
 */
public record SseFields(String data, String otherLines) {

    private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");

    public static SseFields of(String event) {
        StringBuilder data = null;
        StringBuilder otherLines = null;
        for (String line : LINE_END.split(event)) {
            if (line.startsWith("data:")) {
                String value = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (!line.isEmpty()) {
                otherLines = (otherLines == null ? new StringBuilder() : otherLines).append(line).append('\n');
            }
        }
        return new SseFields(data == null ? null : data.toString().trim(),
                otherLines == null ? null : otherLines.toString());
    }
}
