package dev.tollgate.edge.input;

import dev.tollgate.api.Limits;

/**
 * What text a request may carry in an id, a name, a parameter: no NUL and no other control character (tab, line feed
 * and carriage return aside where text is free, as in a reason), and no half of a UTF-16 surrogate pair alone.
 * PostgreSQL cannot store a NUL, no UTF-8 text holds a lone surrogate, and no id, name or parameter has a use for the
 * other control characters. The rules are {@link Limits}', the ones the aggregates apply.
 */
public final class InputText {

    private InputText() {
    }

    /** Whether {@code value} has a control character (C0 or DEL), tab, line feed and carriage return included. */
    public static boolean hasControl(String value) {
        return Limits.hasControl(value);
    }

    /**
     * {@code value} as one line for a log or a record: every control character a space, cut to {@code max}
     * characters.
     */
    public static String oneLine(String value, int max) {
        String line = value.replaceAll("\\p{Cntrl}", " ");
        return line.length() <= max ? line : line.substring(0, max);
    }

    /** Whether {@code value} has half of a UTF-16 surrogate pair alone, which no UTF-8 text can hold. */
    public static boolean hasLoneSurrogate(String value) {
        return Limits.hasLoneSurrogate(value);
    }

    /** Whether {@code value} has a control character other than tab, line feed and carriage return. */
    public static boolean hasControlBesidesWhitespace(String value) {
        return Limits.hasControlBesidesLineBreaks(value);
    }
}
