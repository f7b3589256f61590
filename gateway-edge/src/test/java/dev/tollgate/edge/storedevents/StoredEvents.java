package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * A fixture written by {@link StoredEventsFixtureWriter}: the rows an earlier release stored in
 * {@code domainevententry} and {@code snapshotevententry}, payloads and metadata byte for byte, with the schema
 * version it ran on and the command side's state kept next to its events: the keys that seal personal data in them
 * ({@code personal_data_keys}, V8) and which team holds each user id ({@code user_id_claims}, V13).
 */
record StoredEvents(String release, String schemaVersion, List<Row> events, List<Row> snapshots,
                    List<Claim> userIdClaims, List<SealKey> personalDataKeys) {

    /**
     * The schema of release 0.1, which did not record it: at most V11 (the fixture's events predate V12 and V13, whose
     * backfill of the user id claims reads them).
     */
    static final String RELEASE_0_1_SCHEMA = "11";

    StoredEvents {
        schemaVersion = schemaVersion == null ? RELEASE_0_1_SCHEMA : schemaVersion;
        snapshots = snapshots == null ? List.of() : snapshots;
        userIdClaims = userIdClaims == null ? List.of() : userIdClaims;
        personalDataKeys = personalDataKeys == null ? List.of() : personalDataKeys;
    }

    /** A row of {@code user_id_claims} (V13): the team that holds a user id. */
    record Claim(String userId, String teamId) {
    }

    /**
     * A row of {@code personal_data_keys} (V8): the key that sealed a person's personal data in the events (its
     * {@code secret} in base64, {@code null} once destroyed by an erasure). Without it a stored registration reads as
     * erased. The keys of a fixture seal only the made-up people of its scenario.
     */
    record SealKey(String sealKey, String subjectId, String secret, String createdAt, String erasedAt) {
    }

    record Row(String aggregateIdentifier, long sequenceNumber, String type, String eventIdentifier,
               String timeStamp, String payloadType, String payloadRevision, String payload, String metaData) {
    }

    static StoredEvents read(String resource) {
        try (InputStream in = StoredEvents.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(in, StoredEvents.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of one aggregate, in order. */
    List<Row> of(String aggregateIdentifier) {
        return events.stream().filter(r -> r.aggregateIdentifier().equals(aggregateIdentifier)).toList();
    }

    Map<String, Long> countByPayloadType() {
        return events.stream().collect(Collectors.groupingBy(Row::payloadType, Collectors.counting()));
    }

    /** Stores the rows as the earlier release did; the global index comes from the table's sequence, in order. */
    void storeInto(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            insert(connection, "domainevententry", events);
            insert(connection, "snapshotevententry", snapshots);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO personal_data_keys "
                    + "(seal_key, subject_id, secret, created_at, erased_at) VALUES (?, ?, ?, ?, ?)")) {
                for (SealKey key : personalDataKeys) {
                    insert.setString(1, key.sealKey());
                    insert.setString(2, key.subjectId());
                    insert.setBytes(3, key.secret() == null ? null : Base64.getDecoder().decode(key.secret()));
                    insert.setTimestamp(4, Timestamp.from(Instant.parse(key.createdAt())));
                    insert.setTimestamp(5, key.erasedAt() == null ? null : Timestamp.from(Instant.parse(key.erasedAt())));
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO user_id_claims (user_id, team_id) VALUES (?, ?)")) {
                for (Claim claim : userIdClaims) {
                    insert.setString(1, claim.userId());
                    insert.setString(2, claim.teamId());
                    insert.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void insert(Connection connection, String table, List<Row> rows) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (aggregateidentifier, sequencenumber, type, eventidentifier, timestamp, payloadtype, "
                + "payloadrevision, payload, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Row row : rows) {
                insert.setString(1, row.aggregateIdentifier());
                insert.setLong(2, row.sequenceNumber());
                insert.setString(3, row.type());
                insert.setString(4, row.eventIdentifier());
                insert.setString(5, row.timeStamp());
                insert.setString(6, row.payloadType());
                insert.setString(7, row.payloadRevision());
                insert.setBytes(8, row.payload().getBytes(StandardCharsets.UTF_8));
                insert.setBytes(9, row.metaData() == null ? null : row.metaData().getBytes(StandardCharsets.UTF_8));
                insert.executeUpdate();
            }
        }
    }
}
