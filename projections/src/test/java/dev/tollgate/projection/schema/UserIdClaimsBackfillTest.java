package dev.tollgate.projection.schema;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V13 claims the user ids of the events stored before it, from the event store: each for the team the directory
 * shows (its last move's, else its first registration's), an id already in two teams for the first, without failing.
 */
class UserIdClaimsBackfillTest {

    static final String REGISTERED = "dev.tollgate.api.team.UserRegistered";
    static final String MOVED_IN = "dev.tollgate.api.move.UserMovedIn";

    @Test
    void theStoredRegistrationsAndMovesAreClaimedAsTheDirectoryShowsThem() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Flyway.configure().dataSource(postgres.getPostgresDatabase()).target("12").load().migrate();
            DSLContext dsl = DSL.using(postgres.getPostgresDatabase(), SQLDialect.POSTGRES);
            store(dsl, "cs", REGISTERED, "{\"teamId\":\"cs\",\"userId\":\"only\",\"externalId\":null}");
            store(dsl, "cs", REGISTERED, "{\"teamId\":\"cs\",\"userId\":\"twice\"}");
            store(dsl, "math", REGISTERED, "{\"teamId\":\"math\",\"userId\":\"twice\"}"); // the race, before V13
            store(dsl, "cs", REGISTERED, "{\"teamId\":\"cs\",\"userId\":\"mover\"}");
            store(dsl, "math", MOVED_IN, "{\"teamId\":\"math\",\"userId\":\"mover\",\"fromTeamId\":\"cs\"}");
            store(dsl, "cs", REGISTERED, "{\"teamId\":\"cs\",\"userId\":\"back\"}");
            store(dsl, "math", MOVED_IN, "{\"teamId\":\"math\",\"userId\":\"back\",\"fromTeamId\":\"cs\"}");
            store(dsl, "cs", MOVED_IN, "{\"teamId\":\"cs\",\"userId\":\"back\",\"fromTeamId\":\"math\"}");
            store(dsl, "physics", REGISTERED, "{\"teamId\":\"physics\",\"userId\":\"moved-then-raced\"}");
            store(dsl, "cs", MOVED_IN, "{\"teamId\":\"cs\",\"userId\":\"moved-then-raced\","
                    + "\"fromTeamId\":\"physics\"}");
            store(dsl, "math", REGISTERED, "{\"teamId\":\"math\",\"userId\":\"moved-then-raced\"}");
            store(dsl, "cs", "dev.tollgate.api.spend.SpendReserved", "{\"teamId\":\"cs\",\"userId\":\"spender\"}");

            Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();

            Map<String, String> claims = dsl.fetch("SELECT user_id, team_id FROM user_id_claims")
                    .intoMap(r -> r.get(0, String.class), r -> r.get(1, String.class));
            assertThat(claims).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "only", "cs",
                    "twice", "cs",
                    "mover", "math",
                    "back", "cs",
                    "moved-then-raced", "cs"));
        }
    }

    private static long sequence;

    private static void store(DSLContext dsl, String aggregate, String type, String payload) {
        dsl.execute("INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, "
                        + "metadata, payload, payloadrevision, payloadtype, timestamp) "
                        + "VALUES (?, ?, 'Team', ?, ?, ?, NULL, ?, '2026-01-01T00:00:00Z')",
                aggregate, sequence++, UUID.randomUUID().toString(), "{}".getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8), type);
    }
}
