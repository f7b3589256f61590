package dev.tollgate.edge.config;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Axon's JDBC event store, whose streamed events carry their timestamp as an {@link Instant} read once.
 * <p>
 * Axon keeps an event row's timestamp as text and parses it with {@code DateTimeFormatter} every time it is asked
 * for ({@code AbstractEventEntry.getTimestamp}); the processors' work packages ask once per event (wrapping it with
 * their token), and that parse was most of the bytes the {@code message-costs} and {@code budget-status} work
 * packages allocated (docs/performance.md). Here the text is parsed once per streamed event, by hand when it is in
 * the form Axon writes ({@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, {@link FastInstantDeserializer#parse}), by Axon's
 * own parser otherwise. What is stored, and how aggregates are loaded, is unchanged.
 */
final class TimestampedJdbcEventStorageEngine extends JdbcEventStorageEngine {

    /** The engine Axon's {@code builder} configures (that {@code Builder} cannot build a subclass). */
    TimestampedJdbcEventStorageEngine(Builder builder) {
        super(builder);
    }

    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet resultSet, GapAwareTrackingToken previousToken)
            throws SQLException {
        TrackedEventData<?> data = super.getTrackedEventData(resultSet, previousToken);
        if (data instanceof TrackedDomainEventData<?> domain) {
            return timestamped(domain, instant(resultSet.getString(schema().timestampColumn())));
        }
        return data;
    }

    private static <T> TrackedDomainEventData<T> timestamped(TrackedDomainEventData<T> data, Instant timestamp) {
        return new TrackedDomainEventData<>(data.trackingToken(), data) {
            @Override
            public Instant getTimestamp() {
                return timestamp;
            }
        };
    }

    /** A stored timestamp's instant: by hand in Axon's usual form, by Axon's parser in any other. */
    static Instant instant(String text) {
        Instant fast = text == null ? null : FastInstantDeserializer.parse(text);
        return fast != null ? fast : DateTimeUtils.parseInstant(text);
    }
}
