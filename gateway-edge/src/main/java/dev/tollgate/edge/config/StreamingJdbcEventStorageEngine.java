package dev.tollgate.edge.config;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.serialization.Serializer;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Axon's JDBC event store, cheaper to stream from for the event processors; what is stored, and how aggregates are
 * loaded, is unchanged.
 * <ul>
 *   <li>A streamed event's timestamp is parsed once. Axon keeps an event row's timestamp as text and parses it with
 *   {@code DateTimeFormatter} every time it is asked for ({@code AbstractEventEntry.getTimestamp}): once when the row
 *   is read, to decide whether a gap before it may still fill ({@link #getTrackedEventData}), and once per event in
 *   the processors' work packages; those parses were most of the bytes the store's reader and the
 *   {@code message-costs} and {@code budget-status} work packages allocated (docs/performance.md). Here the text is
 *   parsed once per streamed event, by hand when it is in the form Axon writes
 *   ({@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, {@link FastInstantDeserializer#parse}), by Axon's own parser
 *   otherwise.</li>
 *   <li>An appended event's timestamp is written as Axon writes it ({@code DateTimeUtils.formatInstant}: always three
 *   digits of milliseconds), formatted by hand ({@link #storedText}) rather than by {@code DateTimeFormatter}.</li>
 *   <li>A unit of work that only appends spend events commits them with the append, in one round trip
 *   ({@link AppendCommittedByItsStatement}).</li>
 *   <li>The spend events this node has just appended reach the processors with the payload they were appended
 *   with, not decoded again from their JSON ({@link AppendedPayloads}): decoding the two events of every request
 *   was about a fifteenth of the JVM's CPU at saturation.</li>
 * </ul>
 */
final class StreamingJdbcEventStorageEngine extends JdbcEventStorageEngine {

    private final AppendedPayloads appended;

    /**
     * How a streamed event's tracking token treats the gaps in the global index before it, as Axon's defaults have it:
     * set here on the builder, and read back by {@link #getTrackedEventData}, which does what Axon's does.
     */
    static final int MAX_GAP_OFFSET = 10_000;
    static final long LOWEST_GLOBAL_SEQUENCE = 1;
    static final int GAP_TIMEOUT_MILLIS = 60_000;

    /**
     * The engine Axon's {@code builder} configures (that {@code Builder} cannot build a subclass).
     *
     * @param appendedPayloads how many of the last appended spend events keep their payload for the processors
     */
    StreamingJdbcEventStorageEngine(Builder builder, int appendedPayloads) {
        super(builder.maxGapOffset(MAX_GAP_OFFSET)
                .lowestGlobalSequence(LOWEST_GLOBAL_SEQUENCE)
                .gapTimeout(GAP_TIMEOUT_MILLIS));
        this.appended = new AppendedPayloads(appendedPayloads);
    }

    /**
     * Appends as Axon does; a unit of work that only appends spend events commits them with the append itself, in
     * one round trip ({@link AppendCommittedByItsStatement}).
     */
    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (!CurrentUnitOfWork.isStarted() || !appendedAndCommitted(events, serializer)) {
            super.appendEvents(events, serializer);
        }
        appended.remember(events);
    }

    /** The unit of work's connection, which Axon's append writes on too (UnitOfWorkAwareConnectionProviderWrapper). */
    private boolean appendedAndCommitted(List<? extends EventMessage<?>> events, Serializer serializer) {
        try {
            return AppendCommittedByItsStatement.append(getConnection(), events,
                    () -> super.appendEvents(events, serializer));
        } catch (SQLException e) {
            throw new EventStoreException("Could not append the events", e);
        }
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

    /**
     * Axon's {@code JdbcEventStorageEngine.getTrackedEventData} (4.13), step for step, but with the row's timestamp
     * parsed once, here, instead of by Axon's formatter for the gap check and again by whoever asks the event.
     */
    @Override
    protected TrackedEventData<?> getTrackedEventData(ResultSet resultSet, GapAwareTrackingToken previousToken)
            throws SQLException {
        long globalSequence = resultSet.getLong(schema().globalIndexColumn());
        String aggregateIdentifier = resultSet.getString(schema().aggregateIdentifierColumn());
        String eventIdentifier = resultSet.getString(schema().eventIdentifierColumn());
        String timestampText = resultSet.getString(schema().timestampColumn());
        GenericDomainEventEntry<?> entry = new GenericDomainEventEntry<>(
                resultSet.getString(schema().typeColumn()),
                eventIdentifier.equals(aggregateIdentifier) ? null : aggregateIdentifier,
                resultSet.getLong(schema().sequenceNumberColumn()),
                eventIdentifier,
                timestampText,
                resultSet.getString(schema().payloadTypeColumn()),
                resultSet.getString(schema().payloadRevisionColumn()),
                readPayload(resultSet, schema().payloadColumn()),
                readPayload(resultSet, schema().metaDataColumn()));
        Instant timestamp = instant(timestampText);
        // A gap before an event younger than the gap timeout may still fill (a transaction not yet committed).
        boolean allowGaps = timestamp.isAfter(
                GenericEventMessage.clock.instant().minus(GAP_TIMEOUT_MILLIS, ChronoUnit.MILLIS));
        GapAwareTrackingToken token;
        if (previousToken == null) {
            token = GapAwareTrackingToken.newInstance(globalSequence, allowGaps
                    ? LongStream.range(Math.min(LOWEST_GLOBAL_SEQUENCE, globalSequence), globalSequence).boxed()
                    .collect(Collectors.toCollection(TreeSet::new))
                    : Collections.emptySortedSet());
        } else {
            token = previousToken.advanceTo(globalSequence, allowGaps ? MAX_GAP_OFFSET : 0);
        }
        return timestamped(token, entry, timestamp);
    }

    /** The row with its timestamp as parsed here: Axon's entry would parse its text again when asked. */
    private static <T> TrackedDomainEventData<T> timestamped(GapAwareTrackingToken token,
                                                             GenericDomainEventEntry<T> entry, Instant timestamp) {
        return new TrackedDomainEventData<>(token, entry) {
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
