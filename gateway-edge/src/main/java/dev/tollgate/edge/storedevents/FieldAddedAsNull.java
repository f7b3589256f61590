package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

/**
 * An event's revision that added one field: its events of the revision before read that field as absent
 * ({@code null}).
 */
abstract class FieldAddedAsNull extends SingleEventUpcaster {

    private final String type;
    private final String from;
    private final SimpleSerializedType to;
    private final String field;

    FieldAddedAsNull(String type, String from, String to, String field) {
        this.type = type;
        this.from = from;
        this.to = new SimpleSerializedType(type, to);
        this.field = field;
    }

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation event) {
        return from.equals(event.getType().getRevision()) && type.equals(event.getType().getName());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation event) {
        return event.upcastPayload(to, JsonNode.class, payload -> {
            if (payload instanceof ObjectNode object && !object.has(field)) {
                object.putNull(field);
            }
            return payload;
        });
    }
}
