package dev.tollgate.edge.support;

import org.jooq.DSLContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Looks for values (a name, an email, a student number) anywhere in the database: every column of every table, read as
 * text, and the event, snapshot and dead-letter payloads and metadata, decoded. Erasure tests assert it finds nothing.
 */
public final class PersonalDataSearch {

    private static final List<String> SERIALIZED_TABLES = List.of("domainevententry", "snapshotevententry",
            "deadletterentry");

    private PersonalDataSearch() {
    }

    /**
     * Every table (row as text) and every decoded payload holding one of {@code values}, as "table holds value".
     *
     * @param expectedTables tables the search must see, so that a renamed schema cannot make it pass by finding nothing
     */
    public static List<String> tablesHolding(DSLContext dsl, List<String> values, String... expectedTables) {
        List<String> found = new ArrayList<>();
        List<String> tables = dsl.fetch("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").getValues(0, String.class);
        assertThat(tables).contains(expectedTables);
        for (String table : tables) {
            for (String value : values) {
                if (count(dsl, "SELECT count(*) FROM \"" + table + "\" t WHERE t::text ILIKE ?", value, 1) > 0) {
                    found.add(table + " holds " + value);
                }
            }
        }
        found.addAll(eventPayloadsHolding(dsl, values));
        return found;
    }

    /** The event, snapshot and dead-letter payloads and metadata, decoded, that hold one of {@code values}. */
    public static List<String> eventPayloadsHolding(DSLContext dsl, List<String> values) {
        List<String> found = new ArrayList<>();
        for (String table : SERIALIZED_TABLES) {
            for (String value : values) {
                if (count(dsl, "SELECT count(*) FROM " + table + " WHERE convert_from(payload, 'UTF8') ILIKE ? "
                        + "OR convert_from(coalesce(metadata, ''::bytea), 'UTF8') ILIKE ?", value, 2) > 0) {
                    found.add(table + " holds " + value);
                }
            }
        }
        return found;
    }

    private static long count(DSLContext dsl, String sql, String value, int bindings) {
        Object[] patterns = new Object[bindings];
        Arrays.fill(patterns, "%" + value + "%");
        return ((Number) dsl.fetchValue(sql, patterns)).longValue();
    }
}
