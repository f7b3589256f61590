package dev.tollgate.edge.config;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.AppendEventsStatementBuilder;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.TimestampWriter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The statement that appends events to the event store: the same rows, columns and values as Axon's default
 * ({@code JdbcEventStorageEngineStatements.appendEvents}), with two of its allocations per append left out.
 * <ul>
 *   <li>The statement's text is made once per schema, not joined again from the schema's column names on every
 *   append.</li>
 *   <li>A payload or metadata serialized to bytes is handed to the driver as a stream over those bytes: given the
 *   array itself ({@code setObject}, {@code setBytes}), PostgreSQL's driver copies it first (it cannot know the caller
 *   will not change it). The bytes are the serializer's own, written for this append and never changed; the driver
 *   sends them as the same {@code bytea} value.</li>
 * </ul>
 */
final class EventAppendStatement implements AppendEventsStatementBuilder {

    /** The statement's text for the last schema seen (there is one per engine). */
    private volatile Sql sql;

    private record Sql(EventSchema schema, String text) {
    }

    @Override
    public PreparedStatement build(Connection connection, EventSchema schema, Class<?> dataType,
                                   List<? extends EventMessage<?>> events, Serializer serializer,
                                   TimestampWriter timestampWriter) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(text(schema));
        for (EventMessage<?> eventMessage : events) {
            DomainEventMessage<?> event = asDomainEventMessage(eventMessage);
            SerializedObject<?> payload = event.serializePayload(serializer, dataType);
            SerializedObject<?> metaData = event.serializeMetaData(serializer, dataType);
            statement.setString(1, event.getIdentifier());
            statement.setString(2, event.getAggregateIdentifier());
            statement.setLong(3, event.getSequenceNumber());
            statement.setString(4, event.getType());
            timestampWriter.writeTimestamp(statement, 5, event.getTimestamp());
            statement.setString(6, payload.getType().getName());
            statement.setString(7, payload.getType().getRevision());
            setData(statement, 8, payload.getData());
            setData(statement, 9, metaData.getData());
            statement.addBatch();
        }
        return statement;
    }

    /** {@code INSERT INTO <events> (<fields>) VALUES (?,?,?,?,?,?,?,?,?)}, as Axon's default writes it. */
    String text(EventSchema schema) {
        Sql made = sql;
        if (made == null || made.schema() != schema) {
            made = new Sql(schema, "INSERT INTO " + schema.domainEventTable() + " (" + schema.domainEventFields()
                    + ") VALUES (?,?,?,?,?,?,?,?,?)");
            sql = made;
        }
        return made.text();
    }

    private static void setData(PreparedStatement statement, int position, Object data) throws SQLException {
        if (data instanceof byte[] bytes) {
            statement.setBinaryStream(position, new ByteArrayInputStream(bytes), bytes.length);
        } else {
            statement.setObject(position, data);
        }
    }

    /** An event that is not an aggregate's is stored as Axon stores it: its own id as the aggregate, sequence 0. */
    private static <T> DomainEventMessage<T> asDomainEventMessage(EventMessage<T> event) {
        return event instanceof DomainEventMessage<T> domain ? domain
                : new GenericDomainEventMessage<>(null, event.getIdentifier(), 0L, event, event::getTimestamp);
    }
}
