package dev.tollgate.edge.database;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * While the database cannot be reached, every route that needs it answers {@code 503} with {@code Retry-After} at
 * once, instead of waiting for a connection that will not come. The health endpoints still answer (from the
 * probe), so that load balancers see the node as unready.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1) // after security/RouteGuard: an unknown route or caller is still refused first
public class DatabaseGuard implements WebFilter {

    private final DatabaseAvailability database;

    public DatabaseGuard(DatabaseAvailability database) {
        this.database = database;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (database.isUp() || exchange.getRequest().getPath().pathWithinApplication().value()
                .startsWith("/actuator/health")) {
            return chain.filter(exchange);
        }
        return Mono.error(database.unavailable());
    }
}
