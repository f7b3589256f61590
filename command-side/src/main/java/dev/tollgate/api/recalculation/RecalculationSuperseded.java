package dev.tollgate.api.recalculation;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A recalculation, running or ready, was superseded by the approval of another ({@code supersededBy}): its diff was
 * computed against costs that approval changes, and applying it as well would charge their corrections twice. It
 * can no longer be approved; a new recalculation re-costs the range from the corrected costs.
 *
 * @param actor who approved the superseding recalculation
 */
@Revision("1")
public record RecalculationSuperseded(String recalculationId, String supersededBy, String actor, Instant at) {
}
