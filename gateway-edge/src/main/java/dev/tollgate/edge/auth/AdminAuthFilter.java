package dev.tollgate.edge.auth;

import dev.tollgate.edge.errors.ApiError;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Admin, spend and budget routes need the master key. The acting identity is kept on the exchange so that every
 * admin command records who did it.
 */
@Component
@Order(0)
public class AdminAuthFilter implements WebFilter {

    public static final String ACTOR = AdminAuthFilter.class.getName() + ".actor";
    public static final String MASTER_ACTOR = "master";

    private final MasterKey masterKey;

    public AdminAuthFilter(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!isProtected(path)) {
            return chain.filter(exchange);
        }
        String presented = BearerToken.from(exchange.getRequest().getHeaders());
        if (presented == null) {
            return Mono.error(ApiError.invalidApiKey("Admin routes need the master key: "
                    + "'Authorization: Bearer <TOLLGATE_MASTER_KEY>'."));
        }
        if (!masterKey.matches(presented)) {
            return Mono.error(ApiError.invalidApiKey("This key may not use admin routes."));
        }
        exchange.getAttributes().put(ACTOR, MASTER_ACTOR);
        return chain.filter(exchange);
    }

    static boolean isProtected(String path) {
        return path.startsWith("/admin") || path.startsWith("/spend") || path.startsWith("/budgets")
                || (path.startsWith("/actuator") && !path.startsWith("/actuator/health"));
    }

    public static String actor(ServerWebExchange exchange) {
        return exchange.getAttributeOrDefault(ACTOR, MASTER_ACTOR);
    }
}
