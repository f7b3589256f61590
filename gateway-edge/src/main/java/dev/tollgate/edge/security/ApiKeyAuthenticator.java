package dev.tollgate.edge.security;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyRecord;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Recognises API keys by the hash of their secret, from the directory read model.
 * <p>
 * Looked-up keys are cached for {@code tollgate.edge.key-cache-ttl} (refreshed in the background from half of it),
 * so the hot path never waits for the database, and a revocation reaches every node within that time.
 */
@Component
public class ApiKeyAuthenticator {

    /** How long a key accepted here is remembered as not a guess ({@link #recentlyAccepted}), since its last use. */
    static final Duration RECENTLY = Duration.ofMinutes(15);

    private final AsyncLoadingCache<String, Optional<KeyRecord>> keys;
    private final Cache<String, Boolean> recentlyAccepted = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(RECENTLY)
            .build();
    private final Clock clock;

    public ApiKeyAuthenticator(DirectoryQueries directory, TollgateProperties properties) {
        Duration ttl = properties.edge().keyCacheTtl();
        this.clock = Clock.systemUTC();
        this.keys = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(ttl)
                .refreshAfterWrite(ttl.dividedBy(2))
                .executor(Schedulers.boundedElastic()::schedule)
                .buildAsync(directory::keyByHash);
    }

    /** The key presented, if it exists and may be used now; otherwise a 401 in OpenAI's shape. */
    public Mono<KeyRecord> authenticate(String presentedSecret) {
        if (presentedSecret == null) {
            return Mono.error(ApiError.invalidApiKey("You didn't provide an API key. Send it as "
                    + "'Authorization: Bearer tg-…'."));
        }
        String hash = KeySecrets.hash(presentedSecret);
        // never cancelled: the lookup is the cache's, shared by every request with this key, and a request that
        // goes away (its client left, its body refused while the lookup ran) must not fail the others with a 500
        return Mono.fromFuture(keys.get(hash), true).flatMap(found -> {
            if (found.isEmpty()) {
                recentlyAccepted.invalidate(hash);
                // Never any part of what was presented: it may be another secret (the master key) mistyped.
                return Mono.error(ApiError.invalidApiKey("Incorrect API key provided. You can find your API key "
                        + "with whoever issued it; a revoked or rotated key must be replaced."));
            }
            KeyRecord key = found.get();
            if (!key.usableAt(clock.instant())) {
                recentlyAccepted.invalidate(hash);
                return Mono.error(ApiError.invalidApiKey(key.revokedAt() != null
                        ? "This API key has been revoked." : "This API key has expired."));
            }
            if (recentlyAccepted.getIfPresent(hash) == null) { // a read, not a write, on the usual path
                recentlyAccepted.put(hash, Boolean.TRUE);
            }
            return Mono.just(key);
        });
    }

    /**
     * Whether {@code presentedSecret} was accepted on this node within {@link #RECENTLY} and not refused since. Not an
     * authentication (the key is still checked as usual): it tells the failed-authentication throttle that this
     * credential is not a guess, whatever the address it comes from.
     */
    public boolean recentlyAccepted(String presentedSecret) {
        return presentedSecret != null && recentlyAccepted.getIfPresent(KeySecrets.hash(presentedSecret)) != null;
    }

    /** Forgets every cached key: after a revocation on this node, it takes effect at once here. */
    public void forgetAll() {
        keys.synchronous().invalidateAll();
        recentlyAccepted.invalidateAll();
    }
}
