package dev.tollgate.edge.input;

/**
 * What text a request may carry in an id, a name, a parameter: no NUL and no other control character (tab, line feed
 * and carriage return aside where text is free, as in a reason). PostgreSQL cannot store a NUL, and no id, name or
 * parameter has a use for the others.
 */
public final class InputText {

    private InputText() {
    }

    /** Whether {@code value} has a control character (C0 or DEL), tab, line feed and carriage return included. */
    public static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code value} has a control character other than tab, line feed and carriage return. */
    public static boolean hasControlBesidesWhitespace(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
