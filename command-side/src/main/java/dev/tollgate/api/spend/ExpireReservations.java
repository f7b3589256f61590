package dev.tollgate.api.spend;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Expire every open reservation of the team whose deadline has passed (sent by a periodic sweep). */
public record ExpireReservations(@TargetAggregateIdentifier String teamId) {
}
