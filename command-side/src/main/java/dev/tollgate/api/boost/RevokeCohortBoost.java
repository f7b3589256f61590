package dev.tollgate.api.boost;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RevokeCohortBoost(@TargetAggregateIdentifier String boostId, String actor, String reason) {
}
