package dev.tollgate.api.alert;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/**
 * Registers a URL that receives alerts as signed JSON. The secret itself never travels in a command or an event:
 * the edge keeps it encrypted and sends only its fingerprint.
 *
 * @param teams             the teams whose alerts it receives; empty: every team's
 * @param secretFingerprint the first 16 hex digits of the SHA-256 of the signing secret
 */
public record RegisterWebhookEndpoint(@TargetAggregateIdentifier String endpointId, String url, Set<String> teams,
                                      String description, String secretFingerprint, String actor, String reason) {

    public RegisterWebhookEndpoint {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }
}
