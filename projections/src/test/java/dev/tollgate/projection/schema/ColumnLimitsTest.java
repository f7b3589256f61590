package dev.tollgate.projection.schema;

import dev.tollgate.api.Limits;
import dev.tollgate.projection.ReadModelDatabase;
import org.jooq.Record3;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every column that holds an id is exactly as wide as the id's one limit (dev.tollgate.api.Limits), read from the
 * migrated schema: an id the edge and the aggregates accept can always be stored by every projection.
 */
class ColumnLimitsTest {

    /** Columns by name and the limit of the id they hold. */
    private static final Map<String, Integer> LIMIT_OF = Map.ofEntries(
            Map.entry("team_id", Limits.ID),
            Map.entry("key_id", Limits.ID),
            Map.entry("boost_id", Limits.ID),
            Map.entry("cohort_id", Limits.ID),
            Map.entry("credential_id", Limits.ID),
            Map.entry("recalculation_id", Limits.ID),
            Map.entry("topup_id", Limits.ID),
            Map.entry("proposal_id", Limits.ID),
            Map.entry("source_id", Limits.ID),
            Map.entry("threshold_id", Limits.ID),
            Map.entry("endpoint_id", Limits.ID),
            Map.entry("alert_id", Limits.ALERT_ID),
            Map.entry("user_id", Limits.USER_ID),
            // a budget's account: a team, a user or a key; users have the widest ids
            Map.entry("account_id", Limits.USER_ID),
            Map.entry("external_id", Limits.EXTERNAL_ID),
            Map.entry("subject_id", Limits.USER_ID),
            Map.entry("request_id", Limits.REQUEST_ID));

    /** Id columns that are not ours to limit: Axon's event ids, the audit trail's free-form entity. */
    private static final Set<String> NOT_AN_ID_OF_OURS = Set.of("event_id", "entity_id");

    private static final Set<String> AXON_TABLES = Set.of("domainevententry", "snapshotevententry", "tokenentry",
            "deadletterentry", "sagaentry", "associationvalueentry");

    @Test
    void everyIdColumnIsAsWideAsItsIdsLimit() {
        List<Record3<String, String, Integer>> columns = ReadModelDatabase.dsl().resultQuery("""
                        SELECT table_name, column_name, character_maximum_length FROM information_schema.columns
                        WHERE table_schema = 'public' AND column_name LIKE '%\\_id'""")
                .coerce(org.jooq.impl.DSL.field("table_name", String.class),
                        org.jooq.impl.DSL.field("column_name", String.class),
                        org.jooq.impl.DSL.field("character_maximum_length", Integer.class))
                .fetch();
        int checked = 0;
        for (Record3<String, String, Integer> column : columns) {
            String table = column.value1();
            String name = column.value2();
            if (AXON_TABLES.contains(table) || NOT_AN_ID_OF_OURS.contains(name) || table.startsWith("flyway")) {
                continue;
            }
            assertThat(LIMIT_OF).as("%s.%s holds an id: which limit is it?", table, name).containsKey(name);
            assertThat(column.value3()).as("width of %s.%s", table, name).isEqualTo(LIMIT_OF.get(name));
            checked++;
        }
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void aTeamKeysUserFitsAsAMemberId() {
        assertThat(Limits.ID + ":".length() + Limits.REQUEST_USER).isEqualTo(Limits.USER_ID);
    }
}
