package dev.tollgate.edge.database;

import dev.tollgate.edge.web.EdgeFilter;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * While the database cannot be reached, every route that needs it answers {@code 503} with {@code Retry-After} at
 * once, instead of waiting for a connection that will not come. The health endpoints still answer (from the
 * probe), so that load balancers see the node as unready.
 */
@Component
// Before security/RouteGuard, which may need the database to resolve a caller: while it is down, every route but
// health answers 503 at once instead of waiting for a connection (web.EdgeFilters runs the filters in order).
@Order(2)
public class DatabaseGuard implements EdgeFilter {

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
