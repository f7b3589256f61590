package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

/**
 * Revision 2 of {@code CohortBoostGranted}: a cohort boost carries the budget cap of the actor who decided it, which
 * each member's team applies to that member's share. Cohort boosts of revision 1 had none (their shares were granted
 * without one, and are never granted again: the distribution is not replayed).
 */
final class CohortBoostsWithLimitCap extends SingleEventUpcaster {

    static final String TYPE = "dev.tollgate.api.boost.CohortBoostGranted";

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation event) {
        return "1".equals(event.getType().getRevision()) && TYPE.equals(event.getType().getName());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation event) {
        return event.upcastPayload(new SimpleSerializedType(TYPE, "2"), JsonNode.class, payload -> {
            if (payload instanceof ObjectNode granted && !granted.has("limitCap")) {
                granted.putNull("limitCap");
            }
            return payload;
        });
    }
}
