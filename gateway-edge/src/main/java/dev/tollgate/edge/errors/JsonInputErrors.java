package dev.tollgate.edge.errors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.tollgate.api.InvalidValue;

import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Map;

/**
 * A request body Jackson could not read, answered in Tollgate's own fixed words, naming the JSON path
 * ({@code budget}, {@code user_ids[0]}) as {@code param} where it is known. Jackson's own text is never repeated: it
 * names Java types, tokens and its settings. Only the refusals Tollgate raises while reading ({@link RefusedJsonValue},
 * {@link InvalidValue}) keep their message.
 */
public final class JsonInputErrors {

    /** A route that reads a JSON body was sent none. */
    public static final String BODY_REQUIRED = "A JSON body is required.";

    private JsonInputErrors() {
    }

    /** The 400 for {@code failure}, thrown while a request's JSON body was read. */
    public static ApiError of(JsonProcessingException failure) {
        if (failure instanceof StreamConstraintsException) {
            return ApiError.invalidRequest(String.valueOf(failure.getOriginalMessage()).contains("nesting depth")
                    ? "The JSON is nested too deeply."
                    : "A number, string or name in the JSON is longer than this gateway accepts.", null);
        }
        if (!(failure instanceof JsonMappingException mapping)) {
            // a syntax error, or a number the parser cannot hold, before any field was reached
            return ApiError.invalidRequest(failure instanceof InputCoercionException
                    ? "A number in the JSON is out of range." : "The request body is not valid JSON" + at(failure)
                    + ".", null);
        }
        String path = path(mapping);
        String param = path.isEmpty() ? null : path;
        String field = path.isEmpty() ? "The request body" : "'" + path + "'";
        if (mapping instanceof RefusedJsonValue refused) {
            return ApiError.invalidRequest(field + ": " + refused.getOriginalMessage() + ".", param);
        }
        for (Throwable cause = mapping.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidValue invalid) {
                return ApiError.invalidRequest(field + ": " + invalid.getMessage(), param);
            }
            if (cause instanceof InputCoercionException) {
                return ApiError.invalidRequest(field + " is out of range.", param);
            }
            if (cause instanceof StreamConstraintsException constraint) {
                return of(constraint);
            }
            if (cause instanceof JsonProcessingException syntax && !(cause instanceof JsonMappingException)) {
                return ApiError.invalidRequest("The request body is not valid JSON" + at(syntax) + ".", null);
            }
        }
        if (mapping instanceof UnrecognizedPropertyException) {
            return ApiError.invalidRequest(field + " is not a field of this request.", param);
        }
        if (mapping instanceof MismatchedInputException mismatched) {
            String kind = kind(mismatched.getTargetType());
            return ApiError.invalidRequest(kind == null ? field + " has the wrong type." : field + " must be " + kind
                    + ".", param);
        }
        return ApiError.invalidRequest(field + " could not be read.", param);
    }

    /** The path of the value at fault: {@code budget.limit}, {@code user_ids[0]}; empty for the whole body. */
    static String path(JsonMappingException failure) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : failure.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What a value of {@code type} is, in a client's words; {@code null} where there are none. */
    private static String kind(Class<?> type) {
        if (type == null) {
            return null;
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == int.class || type == long.class || type == short.class || type == Integer.class
                || type == Long.class || type == Short.class || type == java.math.BigInteger.class) {
            return "a whole number";
        }
        if (type == double.class || type == float.class || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 instant such as 2026-03-01T12:00:00Z";
        }
        if (type.isEnum() || type.isPrimitive()) {
            return null;
        }
        return Map.class.isAssignableFrom(type) || type.getPackageName().startsWith("dev.tollgate") ? "an object"
                : null;
    }

    private static String at(JsonProcessingException failure) {
        JsonLocation location = failure.getLocation();
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
