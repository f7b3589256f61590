package dev.tollgate.api.keypolicy;

import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.List;

/** A team's key policy was set (see {@link SetKeyPolicy}). */
@Revision("1")
public record KeyPolicySet(String policyId, String teamId, int maxKeys, Integer maxExpiryDays,
                           List<String> allowedModels, Long requestsPerMinute, Long tokensPerMinute, String actor,
                           String reason, Instant at) {

    public KeyPolicySet {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
    }
}
