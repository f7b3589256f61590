package dev.tollgate.edge.security;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deny by default: every path Tollgate serves is declared here with what it needs, and a path that matches no entry
 * is refused before any handler sees it. Entries are matched in order, with the same {@link PathPattern}s and on the
 * same decoded {@link PathContainer} the router uses, so the decision is taken on the path that will be routed.
 */
public final class RouteTable {

    /** A declared path pattern and what it needs. */
    public record Route(PathPattern pattern, RouteAccess access) {
    }

    private final List<Route> routes;
    /**
     * The decision for each pattern that is a plain literal path, taken once by the patterns in order: a request
     * whose raw path is exactly that literal (no percent-encoding, no parameters) is decided by one lookup instead
     * of a walk over the patterns (two walks per request: the throttle and the guard). Any other spelling walks the
     * patterns as before.
     */
    private final Map<String, Optional<RouteAccess>> literals = new HashMap<>();

    private RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        for (Route route : this.routes) {
            String text = route.pattern().getPatternString();
            if (isLiteral(text)) {
                literals.putIfAbsent(text, walk(PathContainer.parsePath(text)));
            }
        }
    }

    private static boolean isLiteral(String pattern) {
        return pattern.chars().noneMatch(c -> c == '*' || c == '?' || c == '{' || c == '}' || c == '%' || c == ';');
    }

    /** Tollgate's routes. A new route is refused until it is declared here. */
    public static RouteTable standard() {
        return builder()
                // liveness and readiness probes answer statuses only; details are for admins
                .add(RouteAccess.PUBLIC, "/actuator/health", "/actuator/health/liveness",
                        "/actuator/health/readiness")
                .add(RouteAccess.ADMIN, "/actuator/**")
                // the admin UI's page and static files, its scripts' WebJars, the API documentation
                .add(RouteAccess.PUBLIC, "/ui", "/ui/**", "/webjars/**", "/docs", "/swagger-ui/**",
                        "/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/**")
                .add(RouteAccess.API_KEY, "/v1/chat/completions", "/v1/completions", "/v1/embeddings",
                        "/v1/images/generations", "/v1/responses", "/v1/models", "/v1/models/{model}")
                // sign-in with the identity provider: the redirect, the provider's answer, who is signed in
                .add(RouteAccess.PUBLIC, "/sso/login", "/sso/callback", "/sso/session", "/sso/signed-out")
                .add(RouteAccess.SESSION, "/sso/logout")
                // the students' portal: its JSON routes need a member's session; its page and files are public
                .add(RouteAccess.PORTAL, "/portal/api/**")
                .add(RouteAccess.PUBLIC, "/portal", "/portal/", "/portal/*.js", "/portal/*.css")
                .add(RouteAccess.OWN_SPEND, "/spend/me")
                // the whole ledger in FinOps FOCUS columns: finance and admins, not a manager of some teams
                .add(RouteAccess.FINANCE, "/reports/focus")
                // erasing a person's personal data: admins only (docs/privacy.md)
                .add(RouteAccess.ADMIN, "/admin/users/{userId}/erase")
                // moving a member between teams, a course roster: admins, and managers of the teams concerned
                .add(RouteAccess.STAFF, "/admin/users/{userId}/move", "/admin/teams/{teamId}/roster")
                .add(RouteAccess.STAFF, "/admin/**", "/spend/**", "/budgets/**", "/audit", "/reports/**")
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the path needs, or empty when no route is declared for it (refuse it). */
    public Optional<RouteAccess> accessFor(PathContainer path) {
        Optional<RouteAccess> literal = literals.get(path.value());
        return literal != null ? literal : walk(path);
    }

    private Optional<RouteAccess> walk(PathContainer path) {
        for (Route route : routes) {
            if (route.pattern().matches(path)) {
                return Optional.of(route.access());
            }
        }
        return Optional.empty();
    }

    public List<Route> routes() {
        return routes;
    }

    public static final class Builder {

        private final PathPatternParser parser = new PathPatternParser();
        private final List<Route> routes = new ArrayList<>();

        private Builder() {
        }

        public Builder add(RouteAccess access, String... patterns) {
            for (String pattern : patterns) {
                routes.add(new Route(parser.parse(pattern), access));
            }
            return this;
        }

        public RouteTable build() {
            return new RouteTable(routes);
        }
    }
}
