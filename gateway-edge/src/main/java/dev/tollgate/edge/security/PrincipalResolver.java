package dev.tollgate.edge.security;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.money.Money;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.query.directory.CredentialRecord;
import dev.tollgate.query.directory.DirectoryQueries;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.Optional;

/**
 * Finds the principal behind a bearer secret: the master key, an administrative credential (looked up by the hash
 * of its secret, cached like API keys so that a revocation reaches every node within the same delay), or an API key.
 */
@Component
public class PrincipalResolver {

    private final MasterKey masterKey;
    private final ApiKeyAuthenticator apiKeys;
    private final AsyncLoadingCache<String, Optional<CredentialRecord>> credentials;

    public PrincipalResolver(MasterKey masterKey, ApiKeyAuthenticator apiKeys, DirectoryQueries directory,
                             TollgateProperties properties) {
        this.masterKey = masterKey;
        this.apiKeys = apiKeys;
        Duration ttl = properties.edge().keyCacheTtl();
        this.credentials = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(ttl)
                .refreshAfterWrite(ttl.dividedBy(2))
                .executor(Schedulers.boundedElastic()::schedule)
                .buildAsync(directory::credentialByHash);
    }

    public Mono<Principal> resolve(String secret) {
        if (secret == null) {
            return Mono.error(ApiError.invalidApiKey("This route needs a credential: 'Authorization: Bearer …' "
                    + "with the master key, an administrative credential, or (for /spend/me) your API key."));
        }
        if (masterKey.matches(secret)) {
            return Mono.just(Principal.MASTER);
        }
        return Mono.fromFuture(credentials.get(KeySecrets.hash(secret))).flatMap(found -> {
            if (found.isPresent()) {
                CredentialRecord credential = found.get();
                if (credential.revokedAt() != null) {
                    return Mono.error(ApiError.invalidApiKey("This credential has been revoked."));
                }
                return Mono.just(new Principal(credential.credentialId(), Role.fromWireName(credential.role()),
                        credential.teams(), credential.budgetCap() == null ? null : Money.of(credential.budgetCap()),
                        null));
            }
            return apiKeys.authenticate(secret).map(Principal::apiKey);
        });
    }

    /** Forgets every cached credential: after a change on this node, it takes effect at once here. */
    public void forgetAll() {
        credentials.synchronous().invalidateAll();
    }
}
