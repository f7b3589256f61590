package dev.tollgate.edge.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.errors.OpenAiErrorHandler;
import dev.tollgate.edge.web.EdgeFilter;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * Throttles failed authentication per client address ({@code tollgate.security.failed-auth}): every answer 401 takes
 * a token from the address's bucket; an address whose bucket is empty is answered 429 with {@code Retry-After} on
 * every route that needs a credential, before any secret is looked up, until a token is back. Guessing keys costs the
 * guesser time, not the gateway, and other addresses (and their valid keys) are not slowed; nor are API keys from the
 * same address that this node accepted lately (a campus behind one NAT address is many clients).
 */
@Component
@Order(1) // after SecurityHeaders, around RouteGuard (which answers 401s); web.EdgeFilters runs them
public class FailedAuthThrottle implements EdgeFilter {

    private final RouteTable routes = RouteTable.standard();
    private final boolean enabled;
    private final int burst;
    private final long refillNanos;
    private final Cache<String, Bucket> buckets;
    private final ApiKeyAuthenticator apiKeys;

    public FailedAuthThrottle(TollgateProperties properties, ApiKeyAuthenticator apiKeys) {
        this.apiKeys = apiKeys;
        TollgateProperties.FailedAuth settings = properties.security().failedAuth();
        this.enabled = settings.enabled();
        this.burst = settings.burst();
        this.refillNanos = settings.refillEvery().toNanos();
        this.buckets = Caffeine.newBuilder()
                .maximumSize(settings.maxAddresses())
                // a bucket untouched for this long is full again: forgetting it changes nothing
                .expireAfterAccess(settings.refillEvery().multipliedBy(burst))
                .build();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!enabled) {
            return chain.filter(exchange);
        }
        String client = clientOf(exchange);
        Bucket bucket = client == null ? null : buckets.getIfPresent(client);
        if (bucket != null && needsCredential(exchange)) {
            long wait = bucket.waitNanos(System.nanoTime());
            // Many clients may share an address (a campus NAT, a proxy): one of them looping on a revoked key must
            // not lock the others out. A key accepted here lately is not a guess: it goes on to be checked as usual.
            if (wait > 0 && !apiKeys.recentlyAccepted(BearerToken.from(exchange.getRequest().getHeaders()))) {
                long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
                return Mono.error(new ApiError(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error",
                        "too_many_failed_authentications", null, "Too many requests with a missing or wrong "
                        + "credential from this address: try again in " + seconds + " s.")
                        .withHeader("Retry-After", Long.toString(seconds)));
            }
        }
        if (client == null) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange)
                .doOnError(failure -> {
                    if (OpenAiErrorHandler.unwrap(failure) instanceof ApiError error
                            && error.status() == HttpStatus.UNAUTHORIZED) {
                        failed(client);
                    }
                })
                .doOnSuccess(done -> {
                    HttpStatusCode status = exchange.getResponse().getStatusCode();
                    if (status != null && status.value() == 401) {
                        failed(client);
                    }
                });
    }

    private void failed(String client) {
        buckets.get(client, key -> new Bucket(burst, refillNanos, System.nanoTime())).take(System.nanoTime());
    }

    private boolean needsCredential(ServerWebExchange exchange) {
        Optional<RouteAccess> access = routes.accessFor(exchange.getRequest().getPath().pathWithinApplication());
        return access.isEmpty() || access.get() != RouteAccess.PUBLIC;
    }

    /** The client's address; an IPv6 address by its /64 (one host usually has a whole /64 to rotate through). */
    static String clientOf(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        InetAddress address = remote == null ? null : remote.getAddress();
        if (address == null) {
            return null;
        }
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 8);
            StringBuilder text = new StringBuilder("v6:");
            for (byte b : prefix) {
                text.append(String.format("%02x", b));
            }
            return text.toString();
        }
        return address.getHostAddress();
    }

    /** A token bucket: {@code capacity} tokens, one more every {@code refillNanos}; a failure takes one. */
    static final class Bucket {

        private final int capacity;
        private final long refillNanos;
        private double tokens;
        private long updated;

        Bucket(int capacity, long refillNanos, long now) {
            this.capacity = capacity;
            this.refillNanos = refillNanos;
            this.tokens = capacity;
            this.updated = now;
        }

        synchronized void take(long now) {
            refill(now);
            tokens = Math.max(tokens - 1, -1); // past empty, each failure does not push the wait further out
        }

        /** How long until a token is back, 0 when there is one now. */
        synchronized long waitNanos(long now) {
            refill(now);
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * refillNanos);
        }

        private void refill(long now) {
            long elapsed = now - updated;
            if (elapsed > 0) {
                tokens = Math.min(capacity, tokens + (double) elapsed / refillNanos);
                updated = now;
            }
        }
    }
}
