package dev.tollgate.api.boost;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Records the end of every boost of the team whose end has passed. A boost stops counting at its end instant by
 * itself (limits are computed from the instants); this writes that fact into the audit trail.
 */
public record ExpireBoosts(@TargetAggregateIdentifier String teamId) {
}
