package dev.tollgate.projection;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A real PostgreSQL with the real migrations, started once for the projection tests of this JVM. */
public final class ReadModelDatabase {

    private static EmbeddedPostgres postgres;
    private static DSLContext dsl;

    private ReadModelDatabase() {
    }

    public static synchronized DSLContext dsl() {
        if (dsl == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
            dsl = DSL.using(postgres.getPostgresDatabase(), SQLDialect.POSTGRES);
        }
        return dsl;
    }

    public static void truncateReadTables() {
        dsl().execute("TRUNCATE teams, users, api_keys, message_costs, budget_status, boosts, cohort_boosts, cohort_boost_skips, "
                + "admin_credentials, price_versions, audit_log");
    }
}
