package dev.tollgate.projection.support;

import org.jooq.Field;
import org.jooq.JSONB;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;

/**
 * Many rows in one statement whose text does not depend on how many there are: the rows' values go as one text
 * array per column, unnested into a relation {@code v(<column>, ...)}, and each value is cast back to its column's
 * type (derived from the jOOQ field's Java type). The driver prepares such a statement once per connection, and a
 * batch of any size is one round trip.
 * <pre>
 *   INSERT INTO t (a, b) SELECT v.a, v.b::numeric FROM unnest(?::text[], ?::text[]) AS v(a, b) ...
 * </pre>
 * Values travel as text, so PostgreSQL reads them as it reads literals: {@link #text} writes each Java type in a
 * form the cast reads back exactly (numbers in plain notation, instants in ISO-8601 with their offset).
 */
public final class TextArrayRows {

    /** The name of the unnested relation: its columns are {@code v.<column>}. */
    public static final String ALIAS = "v";

    private TextArrayRows() {
    }

    /** A row's value of one column (by its position in the column list), as the Java type of the column's field. */
    @FunctionalInterface
    public interface ColumnValue<R> {
        Object of(R row, int column);
    }

    /** {@code unnest(?::text[], ...) AS v(<column>, ...)}: one array parameter per column, in the columns' order. */
    public static String from(List<? extends Field<?>> columns) {
        StringJoiner arrays = new StringJoiner(", ", "unnest(", ")");
        StringJoiner names = new StringJoiner(", ", " AS " + ALIAS + "(", ")");
        for (Field<?> column : columns) {
            arrays.add("?::text[]");
            names.add(column.getName());
        }
        return arrays + names.toString();
    }

    /**
     * {@code INSERT INTO <target> (<column>, ...) SELECT v.<column>::<type>, ... FROM unnest(...) AS v(...)}; the
     * caller adds its {@code ON CONFLICT}. {@code target} may carry an alias ({@code "budget_status AS b"}).
     */
    public static String insert(String target, List<? extends Field<?>> columns) {
        StringJoiner names = new StringJoiner(", ", "(", ")");
        StringJoiner values = new StringJoiner(", ");
        for (Field<?> column : columns) {
            names.add(column.getName());
            values.add(typed(column));
        }
        return "INSERT INTO " + target + " " + names + " SELECT " + values + " FROM " + from(columns);
    }

    /** {@code v.<column>} cast from text to the column's type. */
    public static String typed(Field<?> column) {
        Class<?> type = column.getType();
        String cast = type == Instant.class ? "::timestamptz"
                : type == BigDecimal.class ? "::numeric"
                : type == Long.class ? "::bigint"
                : type == Integer.class ? "::integer"
                : type == Boolean.class ? "::boolean"
                : type == JSONB.class ? "::jsonb"
                : type == String.class ? ""
                : null;
        if (cast == null) {
            throw new IllegalStateException(column.getName() + ": no cast from text to " + type.getName());
        }
        return ALIAS + "." + column.getName() + cast;
    }

    /**
     * Binds {@code rows} x {@code columns}: parameter {@code first + c} is the text array of column {@code c},
     * whose element {@code i} is {@code value.of(rows.get(i), c)}. A {@code String[]} goes to the driver as an array
     * parameter of its own ({@code setObject}), without a {@code java.sql.Array} from the connection: the connection
     * here is a transaction-aware proxy, and each {@code createArrayOf} went through its reflection.
     */
    public static <R> void bind(PreparedStatement statement, int first, List<R> rows, int columns,
                                ColumnValue<? super R> value) throws SQLException {
        for (int column = 0; column < columns; column++) {
            String[] values = new String[rows.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = text(value.of(rows.get(i), column));
            }
            statement.setObject(first + column, values);
        }
    }

    /** A column's value as PostgreSQL reads it back from text (the statement casts it to the column's type). */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof JSONB json) {
            return json.data();
        }
        return value.toString(); // String, Instant (ISO-8601 with Z), Long, Integer, Boolean
    }
}
