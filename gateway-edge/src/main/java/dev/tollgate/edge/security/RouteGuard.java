package dev.tollgate.edge.security;

import dev.tollgate.api.access.Role;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.web.EdgeFilter;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.support.Blocking;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The first thing every request meets. It refuses paths that could be read two ways ({@link CanonicalPath}), refuses
 * every path no route is declared for ({@link RouteTable}: deny by default), and for the administrative and read
 * routes authenticates the credential and applies what they all share: finance only reads, an API key only reads
 * its own spend, operations endpoints are for admins. The principal and what it may read are kept on the exchange
 * for the routes' own rules (a manager's teams, caps).
 * <p>
 * A browser signed in with the identity provider ({@link Sessions}) proves itself with its session cookie instead of
 * a bearer key: the session's staff principal for the administrative routes, its membership for the portal's; every
 * state-changing call with a session must carry the session's CSRF token. A bearer key always wins over a cookie.
 */
@Component
@Order(3) // after SecurityHeaders, FailedAuthThrottle and database.DatabaseGuard (web.EdgeFilters)
public class RouteGuard implements EdgeFilter {

    private final RouteTable routes = RouteTable.standard();
    private final PrincipalResolver principals;
    private final Sessions sessions;

    public RouteGuard(PrincipalResolver principals, Sessions sessions) {
        this.principals = principals;
        this.sessions = sessions;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        CanonicalPath.require(request.getURI().getRawPath());
        PathContainer path = request.getPath().pathWithinApplication();
        RouteAccess access = routes.accessFor(path).orElseThrow(() -> ApiError.notFound("No such route."));
        return switch (access) {
            case PUBLIC, API_KEY -> chain.filter(exchange);
            case OWN_SPEND, STAFF, FINANCE, ADMIN -> principal(request).flatMap(principal -> {
                authorize(access, principal, request.getMethod());
                exchange.getAttributes().put(Access.PRINCIPAL, principal);
                exchange.getAttributes().put(ReadScope.ATTRIBUTE, principal.readScope());
                return chain.filter(exchange);
            });
            case PORTAL, SESSION -> session(request).flatMap(session -> {
                if (access == RouteAccess.PORTAL && session.teamId() == null) {
                    throw Access.forbidden("The portal is for members of a team: no group of yours places you in "
                            + "one. Ask your course's staff.");
                }
                exchange.getAttributes().put(Sessions.ATTRIBUTE, session);
                if (access == RouteAccess.PORTAL) {
                    exchange.getAttributes().put(ReadScope.ATTRIBUTE, session.memberScope());
                }
                return chain.filter(exchange);
            });
        };
    }

    /**
     * The caller of an administrative or read route: a bearer credential when the request carries one (scripts),
     * else a signed-in session whose claims gave a staff role (the admin UI).
     */
    private Mono<Principal> principal(ServerHttpRequest request) {
        String bearer = BearerToken.from(request.getHeaders());
        if (bearer != null || request.getCookies().getFirst(Sessions.COOKIE) == null) {
            return principals.resolve(bearer);
        }
        return session(request).map(session -> {
            Principal principal = session.staffPrincipal();
            if (principal == null) {
                throw Access.forbidden("You are signed in as " + session.userId() + ", but no group of yours gives "
                        + "a staff role (admin, manager or finance).");
            }
            return principal;
        });
    }

    /** The signed-in session of the request; a state-changing call must carry its CSRF token. */
    private Mono<Sessions.Session> session(ServerHttpRequest request) {
        return Blocking.query(() -> sessions.find(request))
                .map(found -> found.orElseThrow(() -> ApiError.invalidApiKey(
                        "You are not signed in, or your session has ended: sign in again.")))
                .map(session -> {
                    if (!safe(request.getMethod()) && !Sessions.csrfMatches(session, request)) {
                        throw Access.forbidden("This call changes something and comes without the session's CSRF "
                                + "token (" + Sessions.CSRF_HEADER + "): refused.");
                    }
                    return session;
                });
    }

    private static boolean safe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
    }

    private static void authorize(RouteAccess access, Principal principal, HttpMethod method) {
        if (principal.key() != null && access != RouteAccess.OWN_SPEND) {
            throw Access.forbidden("An API key may only read its own spend (GET /spend/me); "
                    + "this route needs an administrative credential.");
        }
        if (access == RouteAccess.ADMIN && !principal.isAdmin()) {
            throw Access.forbidden("Operations endpoints are for admins.");
        }
        if (access == RouteAccess.FINANCE && !principal.isAdmin() && principal.role() != Role.FINANCE) {
            throw Access.forbidden("This export of the whole ledger is for admins and finance.");
        }
        boolean reads = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (!reads && principal.role() == Role.FINANCE) {
            throw Access.forbidden("Finance reads everything and changes nothing.");
        }
    }
}
