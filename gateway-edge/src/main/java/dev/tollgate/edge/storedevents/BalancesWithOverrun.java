package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

import java.util.List;
import java.util.Set;

/**
 * Revision 2 of the events that carry balances: each balance says how much of its {@code spent} was charged beyond
 * reservations in the period ({@code overrun}). Balances of revision 1 were written before overruns were counted;
 * they say {@code "0"}, which is what the ledger knew then.
 */
final class BalancesWithOverrun extends SingleEventUpcaster {

    static final Set<String> TYPES = Set.of(
            "dev.tollgate.api.team.TeamCreated", "dev.tollgate.api.team.TeamBudgetSet",
            "dev.tollgate.api.team.UserRegistered", "dev.tollgate.api.team.UserBudgetSet",
            "dev.tollgate.api.team.KeyBudgetSet", "dev.tollgate.api.spend.SpendReserved",
            "dev.tollgate.api.spend.SpendSettled", "dev.tollgate.api.spend.ReservationReleased",
            "dev.tollgate.api.spend.ReservationExpired", "dev.tollgate.api.spend.CostAdjusted");
    static final List<String> BALANCES = List.of("teamBalance", "userBalance", "keyBalance");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation event) {
        return "1".equals(event.getType().getRevision()) && TYPES.contains(event.getType().getName());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation event) {
        return event.upcastPayload(new SimpleSerializedType(event.getType().getName(), "2"), JsonNode.class,
                BalancesWithOverrun::addOverrun);
    }

    private static JsonNode addOverrun(JsonNode payload) {
        for (String name : BALANCES) {
            if (payload.get(name) instanceof ObjectNode balance && !balance.has("overrun")) {
                balance.put("overrun", "0");
            }
        }
        return payload;
    }
}
