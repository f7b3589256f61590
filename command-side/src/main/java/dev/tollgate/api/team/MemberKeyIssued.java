package dev.tollgate.api.team;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A team let one of its members hold a new key (the key itself is created beside it: {@code KeyIssued}). The team
 * remembers the keys it let its members hold, so that a member is never removed while a key of theirs stays live.
 *
 * @param expiresAt {@code null}: never expires
 */
@Revision("1")
public record MemberKeyIssued(String teamId, String userId, String keyId, Instant expiresAt, String actor,
                              Instant at) {
}
