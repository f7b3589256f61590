package dev.tollgate.edge.security;

import dev.tollgate.api.access.Role;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.query.access.ReadScope;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The first thing every request meets. It refuses paths that could be read two ways ({@link CanonicalPath}), refuses
 * every path no route is declared for ({@link RouteTable}: deny by default), and for the administrative and read
 * routes authenticates the credential and applies what they all share: finance only reads, an API key only reads
 * its own spend, operations endpoints are for admins. The principal and what it may read are kept on the exchange
 * for the routes' own rules (a manager's teams, caps).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2) // after SecurityHeaders and FailedAuthThrottle
public class RouteGuard implements WebFilter {

    private final RouteTable routes = RouteTable.standard();
    private final PrincipalResolver principals;

    public RouteGuard(PrincipalResolver principals) {
        this.principals = principals;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        CanonicalPath.require(request.getURI().getRawPath());
        PathContainer path = request.getPath().pathWithinApplication();
        RouteAccess access = routes.accessFor(path).orElseThrow(() -> ApiError.notFound("No such route."));
        return switch (access) {
            case PUBLIC, API_KEY -> chain.filter(exchange);
            case OWN_SPEND, STAFF, ADMIN -> principals.resolve(BearerToken.from(request.getHeaders()))
                    .flatMap(principal -> {
                        authorize(access, principal, request.getMethod());
                        exchange.getAttributes().put(Access.PRINCIPAL, principal);
                        exchange.getAttributes().put(ReadScope.ATTRIBUTE, principal.readScope());
                        return chain.filter(exchange);
                    });
        };
    }

    private static void authorize(RouteAccess access, Principal principal, HttpMethod method) {
        if (principal.key() != null && access != RouteAccess.OWN_SPEND) {
            throw Access.forbidden("An API key may only read its own spend (GET /spend/me); "
                    + "this route needs an administrative credential.");
        }
        if (access == RouteAccess.ADMIN && !principal.isAdmin()) {
            throw Access.forbidden("Operations endpoints are for admins.");
        }
        boolean reads = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (!reads && principal.role() == Role.FINANCE) {
            throw Access.forbidden("Finance reads everything and changes nothing.");
        }
    }
}
