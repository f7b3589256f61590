package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

/**
 * Revision 3 of {@code UserRegistered}: a registration may carry the person's email (personal data, sealed with
 * their key). Registrations of revision 2 had none.
 */
final class RegistrationsWithEmail extends SingleEventUpcaster {

    static final String TYPE = "dev.tollgate.api.team.UserRegistered";

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation event) {
        return "2".equals(event.getType().getRevision()) && TYPE.equals(event.getType().getName());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation event) {
        return event.upcastPayload(new SimpleSerializedType(TYPE, "3"), JsonNode.class, payload -> {
            if (payload instanceof ObjectNode registration && !registration.has("email")) {
                registration.putNull("email");
            }
            return payload;
        });
    }
}
