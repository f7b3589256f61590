package dev.tollgate.api.boost;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Ends a boost early, for every member of the team it was granted to. Spend made under it stays. */
public record RevokeBoost(@TargetAggregateIdentifier String teamId, String boostId, String actor, String reason) {
}
