package dev.tollgate.api.alert;

import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Set;

/** A webhook endpoint was registered: where alerts go, for which teams, and the fingerprint of its secret. */
@Revision("1")
public record WebhookEndpointRegistered(String endpointId, String url, Set<String> teams, String description,
                                        String secretFingerprint, String actor, String reason, Instant at) {

    public WebhookEndpointRegistered {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }
}
