package dev.tollgate.edge.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A team's snapshot is stored uncompressed (migration V15: compressing ~430 KB on every write was most of what storing
 * it cost PostgreSQL), and a snapshot stored compressed, as before that migration, still loads.
 */
class SnapshotStorageTest {

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static JdbcEventStorageEngine engine;

    @BeforeAll
    static void start() throws Exception {
        postgres = EventStoreDatabase.start();
        dataSource = postgres.getPostgresDatabase();
        engine = EventStoreDatabase.engine(dataSource).build();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void aLargeSnapshotIsStoredUncompressedAndLoads() throws SQLException {
        Map<String, Object> state = state("hot");
        engine.storeSnapshot(snapshot("hot", state));

        assertThat(storedAndCompressedSize("hot")).as("stored bytes, as written")
                .satisfies(sizes -> assertThat(sizes[1]).isGreaterThanOrEqualTo(sizes[0]));
        assertThat(loaded("hot")).isEqualTo(state);
    }

    @Test
    void aSnapshotStoredCompressedBeforeTheMigrationStillLoads() throws SQLException {
        Map<String, Object> state = state("older");
        alterStorage("EXTENDED");
        try {
            engine.storeSnapshot(snapshot("older", state));
        } finally {
            alterStorage("EXTERNAL");
        }

        assertThat(storedAndCompressedSize("older")).as("compressed, as before V15")
                .satisfies(sizes -> assertThat(sizes[1]).isLessThan(sizes[0]));
        assertThat(loaded("older")).isEqualTo(state);
    }

    /** A snapshot's shape: a few thousand request ids, well past PostgreSQL's out-of-line threshold (2 KB). */
    private static Map<String, Object> state(String team) {
        List<String> ended = IntStream.range(0, 5_000).mapToObj(n -> "req_" + team + "_" + n).toList();
        return Map.of("teamId", team, "endedRequestIds", ended);
    }

    private static DomainEventMessage<?> snapshot(String team, Map<String, Object> state) {
        return new GenericDomainEventMessage<>("Team", team, 5_000, state);
    }

    private static Object loaded(String team) {
        return engine.readSnapshot(team).orElseThrow().getPayload();
    }

    /** The payload's length and what PostgreSQL stores for it (smaller when compressed). */
    private static long[] storedAndCompressedSize(String team) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "select octet_length(payload), pg_column_size(payload) from snapshotevententry "
                             + "where aggregateidentifier = ?")) {
            query.setString(1, team);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("the snapshot of " + team).isTrue();
                return new long[] {row.getLong(1), row.getLong(2)};
            }
        }
    }

    private static void alterStorage(String storage) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE snapshotevententry ALTER COLUMN payload SET STORAGE " + storage);
        }
    }
}
