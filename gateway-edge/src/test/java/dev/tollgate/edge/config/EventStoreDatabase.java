package dev.tollgate.edge.config;

import dev.tollgate.edge.storedevents.StoredEventUpcasters;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.common.jdbc.DataSourceConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/** An embedded PostgreSQL with the application's schema, and Axon's JDBC event store on it as Tollgate serializes. */
final class EventStoreDatabase {

    private EventStoreDatabase() {
    }

    static EmbeddedPostgres start() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load()
                .migrate();
        return postgres;
    }

    /** Axon's engine with Tollgate's serializers and upcasters, each statement its own transaction. */
    static JdbcEventStorageEngine.Builder engine(DataSource dataSource) {
        return JdbcEventStorageEngine.builder()
                .snapshotSerializer(AxonConfiguration.jackson())
                .eventSerializer(AxonConfiguration.jackson())
                .upcasterChain(StoredEventUpcasters.chain())
                .connectionProvider(new DataSourceConnectionProvider(dataSource))
                .transactionManager(NoTransactionManager.INSTANCE)
                .schema(new EventSchema());
    }
}
