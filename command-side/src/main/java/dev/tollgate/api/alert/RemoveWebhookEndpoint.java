package dev.tollgate.api.alert;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RemoveWebhookEndpoint(@TargetAggregateIdentifier String endpointId, String actor, String reason) {
}
