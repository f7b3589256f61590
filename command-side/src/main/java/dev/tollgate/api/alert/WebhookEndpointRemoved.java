package dev.tollgate.api.alert;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record WebhookEndpointRemoved(String endpointId, String actor, String reason, Instant at) {
}
