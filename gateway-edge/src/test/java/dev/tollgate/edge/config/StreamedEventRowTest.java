package dev.tollgate.edge.config;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event row read by {@link StreamingJdbcEventStorageEngine} becomes what Axon's own engine makes of it: the same
 * tracking token (gaps kept while the event is younger than the gap timeout, dropped after it), the same entry, the
 * same timestamp.
 */
class StreamedEventRowTest {

    private static final EventSchema SCHEMA = new EventSchema();

    private final AxonsOwn axons = new AxonsOwn();
    private final StreamingJdbcEventStorageEngine ours = new StreamingJdbcEventStorageEngine(engineBuilder(), 10);

    @Test
    void tracksEveryRowAsAxonsEngineDoes() throws SQLException {
        SplittableRandom random = new SplittableRandom(20261205);
        GapAwareTrackingToken axonsToken = null;
        GapAwareTrackingToken ourToken = null;
        long index = 0;
        int rowsWithGaps = 0;
        for (int i = 0; i < 2_000; i++) {
            index += 1 + (random.nextInt(10) == 0 ? random.nextInt(50) : 0); // now and then a gap
            // young rows keep the gaps before them, rows older than the gap timeout drop them
            Instant at = Instant.now().minusMillis(random.nextBoolean() ? random.nextInt(50_000)
                    : 70_000 + random.nextInt(1_000_000));
            ResultSet row = row(index, i % 7 == 0 ? "event-" + i : "team-" + (i % 3), "event-" + i, i,
                    DateTimeUtils.formatInstant(at), "{\"n\":" + i + "}");
            TrackedEventData<?> expected = axons.read(row, axonsToken);
            TrackedEventData<?> actual = ours.getTrackedEventData(row, ourToken);

            assertThat(actual.trackingToken()).as("row %d", index).isEqualTo(expected.trackingToken());
            assertSameEntry((DomainEventData<?>) actual, (DomainEventData<?>) expected);
            axonsToken = (GapAwareTrackingToken) expected.trackingToken();
            ourToken = (GapAwareTrackingToken) actual.trackingToken();
            rowsWithGaps += ourToken.getGaps().isEmpty() ? 0 : 1;
        }
        assertThat(rowsWithGaps).as("rows after which gaps were kept").isBetween(100, 1_900);
    }

    @Test
    void aFirstRowStartsTheTokenAsAxonsEngineDoes() throws SQLException {
        for (Instant at : List.of(Instant.now(), Instant.now().minusSeconds(3_600))) {
            ResultSet row = row(42, "team-1", "event-1", 0, DateTimeUtils.formatInstant(at), "{}");
            GapAwareTrackingToken expected = (GapAwareTrackingToken) axons.read(row, null).trackingToken();
            GapAwareTrackingToken actual = (GapAwareTrackingToken) ours.getTrackedEventData(row, null)
                    .trackingToken();
            assertThat(actual).as(at.toString()).isEqualTo(expected);
        }
        ResultSet young = row(42, "team-1", "event-1", 0, DateTimeUtils.formatInstant(Instant.now()), "{}");
        assertThat(((GapAwareTrackingToken) ours.getTrackedEventData(young, null).trackingToken()).getGaps())
                .isEqualTo(new TreeSet<>(java.util.stream.LongStream.range(1, 42).boxed().toList()));
    }

    private static void assertSameEntry(DomainEventData<?> actual, DomainEventData<?> expected) {
        assertThat(actual.getType()).isEqualTo(expected.getType());
        assertThat(actual.getAggregateIdentifier()).isEqualTo(expected.getAggregateIdentifier());
        assertThat(actual.getSequenceNumber()).isEqualTo(expected.getSequenceNumber());
        assertThat(actual.getEventIdentifier()).isEqualTo(expected.getEventIdentifier());
        assertThat(actual.getTimestamp()).isEqualTo(expected.getTimestamp());
        assertThat(actual.getPayload().getType()).isEqualTo(expected.getPayload().getType());
        assertThat((byte[]) actual.getPayload().getData()).isEqualTo((byte[]) expected.getPayload().getData());
        assertThat((byte[]) actual.getMetaData().getData()).isEqualTo((byte[]) expected.getMetaData().getData());
    }

    /** One row of the event table, as the JDBC driver hands it over. */
    private static ResultSet row(long globalIndex, String aggregateId, String eventId, long sequence,
                                 String timestamp, String payload) {
        Map<String, Object> columns = new HashMap<>();
        columns.put(SCHEMA.globalIndexColumn(), globalIndex);
        columns.put(SCHEMA.aggregateIdentifierColumn(), aggregateId);
        columns.put(SCHEMA.eventIdentifierColumn(), eventId);
        columns.put(SCHEMA.sequenceNumberColumn(), sequence);
        columns.put(SCHEMA.typeColumn(), "Team");
        columns.put(SCHEMA.timestampColumn(), timestamp);
        columns.put(SCHEMA.payloadTypeColumn(), "dev.tollgate.api.SpendSettled");
        columns.put(SCHEMA.payloadRevisionColumn(), "2");
        columns.put(SCHEMA.payloadColumn(), payload.getBytes(StandardCharsets.UTF_8));
        columns.put(SCHEMA.metaDataColumn(), "{}".getBytes(StandardCharsets.UTF_8));
        return (ResultSet) Proxy.newProxyInstance(ResultSet.class.getClassLoader(), new Class<?>[]{ResultSet.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getLong" -> ((Number) columns.get((String) args[0])).longValue();
                    case "getString" -> (String) columns.get((String) args[0]);
                    case "getObject", "getBytes" -> columns.get((String) args[0]);
                    case "wasNull" -> false;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static JdbcEventStorageEngine.Builder engineBuilder() {
        return JdbcEventStorageEngine.builder()
                .connectionProvider(() -> {
                    throw new SQLException("no database in this test");
                })
                .transactionManager(NoTransactionManager.INSTANCE)
                .eventSerializer(JacksonSerializer.defaultSerializer())
                .snapshotSerializer(JacksonSerializer.defaultSerializer())
                .schema(SCHEMA);
    }

    /** Axon's engine with its defaults, its row reading made callable. */
    private static final class AxonsOwn extends JdbcEventStorageEngine {

        AxonsOwn() {
            super(engineBuilder());
        }

        TrackedEventData<?> read(ResultSet row, GapAwareTrackingToken previous) throws SQLException {
            return getTrackedEventData(row, previous);
        }
    }
}
