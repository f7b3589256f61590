package dev.tollgate.api.key;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.tollgate.api.privacy.DataSubject;
import dev.tollgate.api.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A key was issued. The name and metadata of a person's key are personal data (free text they or an admin chose:
 * "Zelda's laptop"): encrypted with their key, erasable. A team key's stay readable (it has no person).
 */
@Revision("1")
public record KeyIssued(String keyId, String secretHash, String displayPrefix, @PersonalData String name, String teamId,
                        @DataSubject String userId, List<String> allowedModels, Instant expiresAt, KeyLimits limits,
                        @PersonalData Map<String, String> metadata, Map<String, String> defaultTags, String actor,
                        Instant at) {

    public KeyIssued {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        limits = limits == null ? KeyLimits.NONE : limits;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        defaultTags = defaultTags == null ? Map.of() : Map.copyOf(defaultTags);
    }

    /** The actor of a change a member makes themselves, with their session (docs/api.md): {@code sso:<user id>}. */
    public static String memberActor(String userId) {
        return "sso:" + userId;
    }

    /**
     * Whether the member it belongs to issued it themselves (in the portal, or with their own session): such a key
     * follows them to another team; a key someone else issued them does not. Derived, never stored: without
     * {@code @JsonIgnore} Jackson takes it for the is-getter of a property {@code suedByOwner} (which the events of
     * releases 0.3 and 0.4 carry, and which reads as an unknown property, ignored).
     */
    @JsonIgnore
    public boolean issuedByOwner() {
        return userId != null && memberActor(userId).equals(actor);
    }
}
