package dev.tollgate.edge.config;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Axon's JDBC event store, cheaper to stream from for the event processors; what is stored, and how aggregates are
 * loaded, is unchanged.
 * <ul>
 *   <li>A streamed event's timestamp is parsed once. Axon keeps an event row's timestamp as text and parses it with
 *   {@code DateTimeFormatter} every time it is asked for ({@code AbstractEventEntry.getTimestamp}); the processors'
 *   work packages ask once per event, and that parse was most of the bytes the {@code message-costs} and
 *   {@code budget-status} work packages allocated (docs/performance.md). Here the text is parsed once per streamed
 *   event, by hand when it is in the form Axon writes ({@code yyyy-MM-ddTHH:mm:ss[.fraction]Z},
 *   {@link FastInstantDeserializer#parse}), by Axon's own parser otherwise.</li>
 *   <li>An appended event's timestamp is written as Axon writes it ({@code DateTimeUtils.formatInstant}: always three
 *   digits of milliseconds), formatted by hand ({@link #storedText}) rather than by {@code DateTimeFormatter}.</li>
 *   <li>The spend events this node has just appended reach the processors with the payload they were appended
 *   with, not decoded again from their JSON ({@link AppendedPayloads}): decoding the two events of every request
 *   was about a fifteenth of the JVM's CPU at saturation.</li>
 * </ul>
 */
final class StreamingJdbcEventStorageEngine extends JdbcEventStorageEngine {

    private final AppendedPayloads appended;

    /**
     * The engine Axon's {@code builder} configures (that {@code Builder} cannot build a subclass).
     *
     * @param appendedPayloads how many of the last appended spend events keep their payload for the processors
     */
    StreamingJdbcEventStorageEngine(Builder builder, int appendedPayloads) {
        super(builder);
        this.appended = new AppendedPayloads(appendedPayloads);
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        super.appendEvents(events, serializer);
        appended.remember(events);
    }

    @Override
    protected void writeTimestamp(PreparedStatement statement, int position, Instant timestamp) throws SQLException {
        statement.setString(position, storedText(timestamp));
    }

    /** A timestamp's text as Axon stores it: by hand for the years 0000–9999, by Axon's formatter for others. */
    static String storedText(Instant timestamp) {
        if (!FastInstantSerializer.hasFourDigitYear(timestamp)) {
            return DateTimeUtils.formatInstant(timestamp);
        }
        return new String(FastInstantSerializer.format(timestamp.getEpochSecond(), timestamp.getNano(), 3));
    }

    @Override
    public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
        return super.readEvents(trackingToken, mayBlock).map(appended::withAppendedPayload);
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
