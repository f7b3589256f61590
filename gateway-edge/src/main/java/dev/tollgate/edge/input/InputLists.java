package dev.tollgate.edge.input;

import dev.tollgate.api.Limits;
import dev.tollgate.edge.errors.ApiError;

import java.util.List;
import java.util.function.Predicate;

/**
 * The lists of ids and names a request body carries ({@code user_ids}, {@code teams}, {@code allowed_models},
 * {@code tags}), each element checked before any route uses it: a {@code null}, or an element that breaks the rule of
 * its kind, is a 400 naming the element ({@code user_ids[0]}), never a failure further in.
 */
public final class InputLists {

    private InputLists() {
    }

    /**
     * {@code values} as an unmodifiable list (empty when absent), each an id of at most {@code max} characters
     * ({@link Limits#isId(String, int)}); {@code param} is the field's name in the body.
     */
    public static List<String> ids(List<String> values, int max, String param) {
        return checked(values, param, value -> Limits.isId(value, max), "an id: " + Limits.idRule(max));
    }

    /**
     * {@code values} as an unmodifiable list (empty when absent), each a name (a model's, a tag): one line of 1 to
     * {@code max} characters, not blank ({@link Limits#isLine}).
     */
    public static List<String> lines(List<String> values, int max, String param) {
        return checked(values, param, value -> value != null && !value.isBlank() && Limits.isLine(value, max),
                "one line of 1 to " + max + " characters, without control characters");
    }

    /**
     * {@code values} as an unmodifiable list (empty when absent) once every element passes {@code rule}; the first
     * that does not is a 400 naming it ({@code param[i]}): {@code 'param[i]' must be <mustBe>.}
     */
    private static List<String> checked(List<String> values, String param, Predicate<String> rule, String mustBe) {
        if (values == null) {
            return List.of();
        }
        for (int i = 0; i < values.size(); i++) {
            if (!rule.test(values.get(i))) {
                String element = param + "[" + i + "]";
                throw ApiError.invalidRequest("'" + element + "' must be " + mustBe + ".", element);
            }
        }
        return List.copyOf(values);
    }
}
