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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * A fixture written by {@link StoredEventsFixtureWriter}: the rows an earlier release stored in
 * {@code domainevententry} and {@code snapshotevententry}, payloads and metadata byte for byte.
 */
record StoredEvents(String release, List<Row> events, List<Row> snapshots) {

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
