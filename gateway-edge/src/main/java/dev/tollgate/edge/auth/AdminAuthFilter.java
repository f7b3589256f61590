package dev.tollgate.edge.auth;

import dev.tollgate.api.access.Role;
import dev.tollgate.edge.access.Access;
import dev.tollgate.edge.access.PrincipalResolver;
import dev.tollgate.query.access.ReadScope;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates the administrative and read routes and applies what every route shares: finance only reads, an
 * API key only reads its own spend, operations endpoints are for admins. The principal and what it may read are
 * kept on the exchange for the routes' own rules (a manager's teams, caps).
 */
@Component
@Order(0)
public class AdminAuthFilter implements WebFilter {

    private final PrincipalResolver principals;

    public AdminAuthFilter(PrincipalResolver principals) {
        this.principals = principals;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!isProtected(path)) {
            return chain.filter(exchange);
        }
        return principals.resolve(BearerToken.from(exchange.getRequest().getHeaders()))
                .flatMap(principal -> {
                    HttpMethod method = exchange.getRequest().getMethod();
                    boolean reads = method == HttpMethod.GET || method == HttpMethod.HEAD;
                    if (principal.key() != null && !path.equals("/spend/me")) {
                        return Mono.error(Access.forbidden("An API key may only read its own spend (GET /spend/me); "
                                + "this route needs an administrative credential."));
                    }
                    if (path.startsWith("/actuator") && !principal.isAdmin()) {
                        return Mono.error(Access.forbidden("Operations endpoints are for admins."));
                    }
                    if (!reads && principal.role() == Role.FINANCE) {
                        return Mono.error(Access.forbidden("Finance reads everything and changes nothing."));
                    }
                    exchange.getAttributes().put(Access.PRINCIPAL, principal);
                    exchange.getAttributes().put(ReadScope.ATTRIBUTE, principal.readScope());
                    return chain.filter(exchange);
                });
    }

    static boolean isProtected(String path) {
        return path.startsWith("/admin") || path.startsWith("/spend") || path.startsWith("/budgets")
                || path.startsWith("/audit") || path.startsWith("/reports") || (path.startsWith("/actuator") && !path.startsWith("/actuator/health"))
                || path.startsWith("/actuator/health/details"); // the health group with every detail (lag, errors)
    }

}
