package dev.tollgate.projection.support;

import dev.tollgate.projection.ReadModelDatabase;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tollgate.readmodel.Tables.BUDGET_STATUS;
import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows written through {@link TextArrayRows} into a real PostgreSQL come back exactly as they went in. */
class TextArrayRowsTest {

    static final Table<Record> SCRATCH = DSL.table(DSL.name("text_array_rows_scratch"));
    static final Field<String> ID = DSL.field(DSL.name("id"), SQLDataType.VARCHAR(64));
    static final Field<String> NOTE = DSL.field(DSL.name("note"), SQLDataType.CLOB);
    static final Field<BigDecimal> AMOUNT = DSL.field(DSL.name("amount"), SQLDataType.NUMERIC(28, 9));
    static final Field<Instant> AT = DSL.field(DSL.name("at"), SQLDataType.INSTANT);
    static final Field<Long> COUNT = DSL.field(DSL.name("count"), SQLDataType.BIGINT);
    static final Field<Integer> SMALL = DSL.field(DSL.name("small"), SQLDataType.INTEGER);
    static final Field<Boolean> FLAG = DSL.field(DSL.name("flag"), SQLDataType.BOOLEAN);
    static final Field<JSONB> DOC = DSL.field(DSL.name("doc"), SQLDataType.JSONB);
    static final List<Field<?>> COLUMNS = List.of(ID, NOTE, AMOUNT, AT, COUNT, SMALL, FLAG, DOC);

    DSLContext dsl = ReadModelDatabase.dsl();

    @BeforeEach
    void scratchTable() {
        dsl.execute("CREATE TABLE IF NOT EXISTS text_array_rows_scratch (id VARCHAR(64) PRIMARY KEY, note TEXT, "
                + "amount NUMERIC(28,9), at TIMESTAMPTZ, count BIGINT, small INTEGER, flag BOOLEAN, doc JSONB)");
        dsl.execute("TRUNCATE text_array_rows_scratch");
    }

    /** One row: the values of {@link #COLUMNS}, in order. */
    record Row(Object... values) {
    }

    /** Inserts the rows with one statement, as the projections do; returns the number of rows inserted. */
    int insert(List<Row> rows) {
        AtomicInteger inserted = new AtomicInteger();
        dsl.connection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    TextArrayRows.insert("text_array_rows_scratch", COLUMNS))) {
                TextArrayRows.bind(statement, 1, rows, COLUMNS.size(), (row, column) -> row.values()[column]);
                inserted.set(statement.executeUpdate());
            }
        });
        return inserted.get();
    }

    Record read(String id) {
        return dsl.select(COLUMNS).from(SCRATCH).where(ID.eq(id)).fetchOne();
    }

    @Test
    void everyTypeComesBackExactly() {
        Instant at = Instant.parse("2026-03-10T12:34:56.123456Z");
        String awkward = "it's \"quoted\", {braced}, back\\slash \\\\ \\N, tab\t, newline\n, NULL, 'é' 日本 😀";
        insert(List.of(new Row("r1", awkward, new BigDecimal("1234567890123456789.123456789"), at,
                Long.MAX_VALUE, Integer.MIN_VALUE, true, JSONB.valueOf("{\"a\": \"x'\\\"y\\\\ é 😀\", \"n\": 1.50}"))));

        Record row = read("r1");
        assertThat(row.get(NOTE)).isEqualTo(awkward);
        assertThat(row.get(AMOUNT)).isEqualTo(new BigDecimal("1234567890123456789.123456789"));
        assertThat(row.get(AT)).isEqualTo(at);
        assertThat(row.get(COUNT)).isEqualTo(Long.MAX_VALUE);
        assertThat(row.get(SMALL)).isEqualTo(Integer.MIN_VALUE);
        assertThat(row.get(FLAG)).isTrue();
        assertThat(dsl.fetchValue("SELECT doc->>'a' FROM text_array_rows_scratch WHERE id = 'r1'"))
                .isEqualTo("x'\"y\\ é 😀");
        assertThat(dsl.fetchValue("SELECT (doc->>'n')::numeric FROM text_array_rows_scratch WHERE id = 'r1'"))
                .isEqualTo(new BigDecimal("1.50"));
    }

    @Test
    void nullsStayNullAndTheTextNullIsText() {
        insert(List.of(new Row("nulls", null, null, null, null, null, null, null),
                new Row("words", "NULL", BigDecimal.ZERO, Instant.EPOCH, 0L, 0, false, JSONB.valueOf("null")),
                new Row("empty", "", null, null, null, null, null, null)));

        Record nulls = read("nulls");
        for (Field<?> column : COLUMNS.subList(1, COLUMNS.size())) {
            assertThat(nulls.get(column)).as(column.getName()).isNull();
        }
        Record words = read("words");
        assertThat(words.get(NOTE)).isEqualTo("NULL");
        assertThat(words.get(AMOUNT)).isEqualByComparingTo("0");
        assertThat(words.get(AT)).isEqualTo(Instant.EPOCH);
        assertThat(words.get(FLAG)).isFalse();
        assertThat(dsl.fetchValue("SELECT jsonb_typeof(doc) FROM text_array_rows_scratch WHERE id = 'words'"))
                .isEqualTo("null");
        assertThat(read("empty").get(NOTE)).isEmpty();
    }

    @Test
    void numbersAndInstantsKeepTheirValueWhateverTheirJavaForm() {
        insert(List.of(
                new Row("exponent", null, new BigDecimal("1E+3"), Instant.parse("1969-12-31T23:59:59.999999Z"),
                        Long.MIN_VALUE, Integer.MAX_VALUE, null, null),
                new Row("tiny", null, new BigDecimal("-0.000000001"), Instant.parse("9999-12-31T23:59:59Z"),
                        -1L, -1, null, null)));

        assertThat(read("exponent").get(AMOUNT)).isEqualByComparingTo("1000");
        assertThat(read("exponent").get(AT)).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
        assertThat(read("exponent").get(COUNT)).isEqualTo(Long.MIN_VALUE);
        assertThat(read("exponent").get(SMALL)).isEqualTo(Integer.MAX_VALUE);
        assertThat(read("tiny").get(AMOUNT)).isEqualTo(new BigDecimal("-0.000000001"));
        assertThat(read("tiny").get(AT)).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    }

    @Test
    void oneStatementTextServesAnyNumberOfRows() {
        assertThat(insert(List.of())).isZero();
        List<Row> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new Row("m" + i, "row " + i, BigDecimal.valueOf(i, 9), Instant.EPOCH.plusSeconds(i), (long) i,
                    i, i % 2 == 0, JSONB.valueOf("{\"i\": " + i + "}")));
        }
        assertThat(insert(many)).isEqualTo(1000);
        assertThat(dsl.fetchCount(SCRATCH)).isEqualTo(1000);
        assertThat(read("m999").get(AMOUNT)).isEqualTo(new BigDecimal("0.000000999"));
        assertThat(read("m999").get(AT)).isEqualTo(Instant.EPOCH.plusSeconds(999));
        assertThat(read("m998").get(FLAG)).isTrue();
    }

    @Test
    void theUnnestedRowsServeAnUpdateToo() {
        insert(List.of(new Row("u1", "before", BigDecimal.ONE, null, null, null, null, null),
                new Row("u2", "untouched", BigDecimal.ONE, null, null, null, null, null)));
        List<Field<?>> columns = List.of(ID, NOTE, AMOUNT);
        String update = "UPDATE text_array_rows_scratch AS s SET note = " + TextArrayRows.typed(NOTE) + ", amount = "
                + TextArrayRows.typed(AMOUNT) + " FROM " + TextArrayRows.from(columns) + " WHERE s.id = v.id";
        List<List<Object>> rows = List.of(Arrays.asList("u1", "after", new BigDecimal("2.5")));
        dsl.connection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(update)) {
                TextArrayRows.bind(statement, 1, rows, columns.size(), List::get);
                assertThat(statement.executeUpdate()).isEqualTo(1);
            }
        });
        assertThat(read("u1").get(NOTE)).isEqualTo("after");
        assertThat(read("u1").get(AMOUNT)).isEqualByComparingTo("2.5");
        assertThat(read("u2").get(NOTE)).isEqualTo("untouched");
    }

    @Test
    void theStatementTextNamesEachColumnOnceAndCastsItFromItsFieldsType() {
        assertThat(TextArrayRows.from(List.of(ID, AMOUNT))).isEqualTo("unnest(?::text[], ?::text[]) AS v(id, amount)");
        assertThat(TextArrayRows.insert("t AS x", List.of(ID, AT, FLAG))).isEqualTo(
                "INSERT INTO t AS x (id, at, flag) SELECT v.id, v.at::timestamptz, v.flag::boolean "
                        + "FROM unnest(?::text[], ?::text[], ?::text[]) AS v(id, at, flag)");
        Map<Field<?>, String> casts = Map.of(ID, "v.id", NOTE, "v.note", AMOUNT, "v.amount::numeric",
                AT, "v.at::timestamptz", COUNT, "v.count::bigint", SMALL, "v.small::integer",
                FLAG, "v.flag::boolean", DOC, "v.doc::jsonb");
        casts.forEach((field, typed) -> assertThat(TextArrayRows.typed(field)).isEqualTo(typed));
    }

    @Test
    void everyColumnOfTheTablesWrittenThisWayHasACast() {
        for (Field<?> field : MESSAGE_COSTS.fields()) {
            assertThat(TextArrayRows.typed(field)).startsWith("v." + field.getName());
        }
        for (Field<?> field : BUDGET_STATUS.fields()) {
            assertThat(TextArrayRows.typed(field)).startsWith("v." + field.getName());
        }
    }

    @Test
    void aTypeWithoutACastIsRefusedWhenTheStatementIsBuilt() {
        Field<LocalDate> day = DSL.field(DSL.name("day"), SQLDataType.LOCALDATE);
        assertThatThrownBy(() -> TextArrayRows.typed(day))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("day");
    }
}
