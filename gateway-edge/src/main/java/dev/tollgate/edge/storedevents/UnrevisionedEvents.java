package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

import java.util.Set;
import java.util.function.Function;

/**
 * Events stored before events carried a revision (release 0.1: {@code payloadRevision} is NULL) have the shape of
 * their revision 1. Naming them so is the first step of the chain, so that every later upcaster reads one revision
 * and writes the next, and never has to know that NULL once meant 1.
 * <p>
 * The types are names, not classes: an upcaster must keep working after a class is renamed or removed.
 */
final class UnrevisionedEvents extends SingleEventUpcaster {

    /** Every event type release 0.1 stored. */
    static final Set<String> RELEASE_0_1_TYPES = Set.of(
            "dev.tollgate.api.access.CredentialIssued", "dev.tollgate.api.access.CredentialRevoked",
            "dev.tollgate.api.access.CredentialScopeChanged", "dev.tollgate.api.boost.BoostExpired",
            "dev.tollgate.api.boost.BoostGranted", "dev.tollgate.api.boost.BoostRevoked",
            "dev.tollgate.api.boost.CohortBoostGranted", "dev.tollgate.api.boost.CohortBoostRevoked",
            "dev.tollgate.api.key.KeyIssued", "dev.tollgate.api.key.KeyRevoked", "dev.tollgate.api.key.KeyRotated",
            "dev.tollgate.api.price.PricesPublished", "dev.tollgate.api.recalculation.RecalculationApplied",
            "dev.tollgate.api.recalculation.RecalculationApproved",
            "dev.tollgate.api.recalculation.RecalculationCompleted",
            "dev.tollgate.api.recalculation.RecalculationFailed",
            "dev.tollgate.api.recalculation.RecalculationStarted", "dev.tollgate.api.spend.CostAdjusted",
            "dev.tollgate.api.spend.ReservationExpired", "dev.tollgate.api.spend.ReservationReleased",
            "dev.tollgate.api.spend.SpendRejected", "dev.tollgate.api.spend.SpendReserved",
            "dev.tollgate.api.spend.SpendSettled", "dev.tollgate.api.team.KeyBudgetSet",
            "dev.tollgate.api.team.TeamBudgetSet", "dev.tollgate.api.team.TeamCreated",
            "dev.tollgate.api.team.UserBudgetSet", "dev.tollgate.api.team.UserRegistered",
            "dev.tollgate.api.team.UserRemoved", "dev.tollgate.api.team.UserTagsSet");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation event) {
        return event.getType().getRevision() == null && RELEASE_0_1_TYPES.contains(event.getType().getName());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation event) {
        return event.upcastPayload(new SimpleSerializedType(event.getType().getName(), "1"), JsonNode.class,
                Function.identity());
    }
}
