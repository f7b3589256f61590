package dev.tollgate.edge.errors;

/** Client input repeated in an error message: never longer than {@link HttpLimits#MAX_ECHO} characters. */
public final class Echo {

    private Echo() {
    }

    /** {@code value} as an error message may repeat it: control characters replaced, cut to the bound. */
    public static String of(Object value) {
        String text = String.valueOf(value);
        StringBuilder shown = new StringBuilder(Math.min(text.length(), HttpLimits.MAX_ECHO + 1));
        for (int i = 0; i < text.length() && shown.length() < HttpLimits.MAX_ECHO; i++) {
            char c = text.charAt(i);
            shown.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (text.length() > HttpLimits.MAX_ECHO) {
            if (Character.isHighSurrogate(shown.charAt(shown.length() - 1))) {
                shown.setLength(shown.length() - 1);
            }
            shown.append('…');
        }
        return shown.toString();
    }

    /**
     * A whole message as sent: every quoted piece ({@code '…'} or {@code "…"}, how messages repeat input) cut to
     * {@link HttpLimits#MAX_ECHO} characters, the whole cut to {@link HttpLimits#MAX_MESSAGE}.
     */
    static String bounded(String message) {
        if (message == null) {
            return null;
        }
        String result = message.length() > HttpLimits.MAX_ECHO ? cutQuoted(message) : message;
        if (result.length() <= HttpLimits.MAX_MESSAGE) {
            return result;
        }
        int end = HttpLimits.MAX_MESSAGE - 1;
        if (Character.isHighSurrogate(result.charAt(end - 1))) {
            end--;
        }
        return result.substring(0, end) + "…";
    }

    private static String cutQuoted(String message) {
        StringBuilder out = new StringBuilder(Math.min(message.length(), 4 * HttpLimits.MAX_MESSAGE));
        int i = 0;
        while (i < message.length() && out.length() <= 2 * HttpLimits.MAX_MESSAGE) {
            char c = message.charAt(i);
            out.append(c);
            i++;
            if (c == '\'' || c == '"') {
                int close = message.indexOf(c, i);
                int end = close < 0 ? message.length() : close;
                String quoted = message.substring(i, end);
                out.append(quoted.length() > HttpLimits.MAX_ECHO ? of(quoted) : quoted);
                if (close >= 0) {
                    out.append(c);
                }
                i = close < 0 ? end : close + 1;
            }
        }
        if (i < message.length()) {
            out.append('…');
        }
        return out.toString();
    }
}
