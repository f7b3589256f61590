package dev.tollgate.edge.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.util.pattern.PathPattern;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deny by default, decided on the path the router uses: every route the application serves is declared in the
 * route table, and no protected route answers 200 without a valid credential, however its path is spelled.
 */
class RouteGuardTest extends GatewayTestSupport {

    private static final String WRONG_KEY = "tg-wrong0000000000000000000000000000000000";

    @Autowired
    ApplicationContext context;

    /** A route the application serves: one HTTP method and one path pattern. */
    record Served(String method, String pattern) {

        String samplePath() {
            return pattern.replaceAll("\\{\\*[^}]+}", "x1").replaceAll("\\{[^}]+}", "x1").replace("**", "x1")
                    .replace("*", "x1");
        }
    }

    @Test
    void everyRouteTheApplicationServesIsDeclaredInTheRouteTable() {
        List<Served> served = servedRoutes();
        assertThat(served).extracting(Served::pattern)
                .contains("/admin/teams", "/v1/chat/completions", "/actuator/prometheus", "/spend/me");
        RouteTable table = RouteTable.standard();
        for (Served route : served) {
            assertThat(table.accessFor(PathContainer.parsePath(route.samplePath())))
                    .as("%s %s is declared", route.method(), route.pattern()).isPresent();
        }
    }

    @Test
    void noProtectedRouteAnswersWithoutAValidCredentialHoweverItsPathIsSpelled() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        RouteTable table = RouteTable.standard();
        int checked = 0;
        for (Served route : servedRoutes()) {
            String path = route.samplePath();
            if (table.accessFor(PathContainer.parsePath(path)).orElseThrow() == RouteAccess.PUBLIC) {
                continue;
            }
            String body = route.method().equals("GET") || route.method().equals("DELETE") ? null : "{}";
            for (String variant : spellings(path)) {
                for (String credential : new String[]{null, WRONG_KEY}) {
                    RawHttp.Response response = raw.send(route.method(), variant, credential, body);
                    String what = route.method() + " " + variant + (credential == null ? " (no credential)" : " (wrong key)");
                    assertThat(response.status()).as(what + ": " + response.body()).isBetween(400, 499);
                    JsonNode error = response.jsonOrNull();
                    assertThat(error).as(what + " answers JSON: " + response.body()).isNotNull();
                    assertThat(error.path("error").path("message").isTextual()).as(what).isTrue();
                    assertThat(error.path("error").path("type").isTextual()).as(what).isTrue();
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void anEscapedPathIsDecidedAsTheRouteItReaches() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        for (String path : List.of("/%61dmin/teams", "/%61dmin/prices", "/%73pend/messages", "/%61udit",
                "/%61ctuator/prometheus", "/%61ctuator/health/details", "/%72eports/spend")) {
            RawHttp.Response anonymous = raw.send("GET", path, null, null);
            assertThat(anonymous.status()).as(path + ": " + anonymous.body()).isEqualTo(401);
            assertThat(anonymous.jsonOrNull().path("error").path("code").asText()).isEqualTo("invalid_api_key");
        }
        // the same route, spelled with an escape, is the route: the master key reads it
        assertThat(raw.send("GET", "/%61dmin/teams", MASTER_KEY, null).status()).isEqualTo(200);
    }

    @Test
    void refusesPathsThatLayersCouldReadTwoWays() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        for (String path : List.of("/admin/teams/a%00b", "/admin%2Fteams", "/%2561dmin/teams", "/admin;x=1/teams",
                "//admin/teams", "/./admin/teams", "/x/../admin/teams", "/admin/%2e%2e/admin/teams")) {
            RawHttp.Response response = raw.send("GET", path, MASTER_KEY, null);
            assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(400);
            assertThat(response.jsonOrNull().path("error").path("code").asText()).as(path).isEqualTo("invalid_path");
        }
    }

    @Test
    void refusesUndeclaredPathsEvenWithTheMasterKey() {
        RawHttp raw = new RawHttp("127.0.0.1", port);
        for (String path : List.of("/ADMIN/teams", "/Admin/teams", "/v1/chat/completions/x", "/nosuch",
                "/favicon.ico", "/v2/models")) {
            RawHttp.Response response = raw.send("GET", path, MASTER_KEY, null);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.jsonOrNull().path("error").path("code").asText()).as(path).isEqualTo("not_found");
        }
    }

    /** The path as an attacker might spell it: escapes, separators, dot segments, parameters, slashes, case. */
    static Set<String> spellings(String path) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(path);
        String[] segments = path.substring(1).split("/");
        variants.add("/" + escapeFirst(segments[0], "%%%02x") + rest(segments, 1));
        variants.add("/" + escapeFirst(segments[0], "%%%02X") + rest(segments, 1));
        variants.add("/" + escapeAll(segments[0]) + rest(segments, 1));
        variants.add("/" + segments[0] + rest(segments, 1).replaceFirst("/", "%2F"));
        variants.add("/" + segments[0] + rest(segments, 1).replaceFirst("/", "%2f"));
        variants.add("/" + escapeFirst(segments[0], "%%25%02x") + rest(segments, 1)); // double encoding
        variants.add("/" + segments[0] + ";x=1" + rest(segments, 1));
        variants.add(path + ";jsessionid=1");
        variants.add("/" + path);
        variants.add("/" + segments[0] + "/" + rest(segments, 1));
        variants.add("/." + path);
        variants.add("/" + segments[0] + "/." + rest(segments, 1));
        variants.add("/x/.." + path);
        variants.add("/x/%2e%2e" + path);
        variants.add(path + "/");
        variants.add(path.toUpperCase(Locale.ROOT));
        variants.add("/" + Character.toUpperCase(segments[0].charAt(0)) + segments[0].substring(1) + rest(segments, 1));
        variants.add(path.replace('/', '\\'));
        return variants;
    }

    private static String rest(String[] segments, int from) {
        StringBuilder rest = new StringBuilder();
        for (int i = from; i < segments.length; i++) {
            rest.append('/').append(segments[i]);
        }
        return rest.toString();
    }

    private static String escapeFirst(String segment, String format) {
        return String.format(format, (int) segment.charAt(0)) + segment.substring(1);
    }

    private static String escapeAll(String segment) {
        StringBuilder escaped = new StringBuilder();
        for (char c : segment.toCharArray()) {
            escaped.append(String.format("%%%02X", (int) c));
        }
        return escaped.toString();
    }

    /** Every (method, path pattern) the application's handler mappings serve. */
    private List<Served> servedRoutes() {
        List<Served> served = new ArrayList<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            mapping.getHandlerMethods().keySet().forEach(info -> {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                    if (methods.isEmpty()) {
                        served.add(new Served("GET", pattern.getPatternString()));
                    }
                    methods.forEach(method -> served.add(new Served(method.name(), pattern.getPatternString())));
                }
            });
        }
        for (RouterFunctionMapping mapping : context.getBeansOfType(RouterFunctionMapping.class).values()) {
            RouterFunction<?> function = mapping.getRouterFunction();
            if (function != null) {
                function.accept(new RouteCollector(served));
            }
        }
        return served;
    }

    /** Reads the method and path of every route of a router function. */
    private static final class RouteCollector implements RouterFunctions.Visitor, RequestPredicates.Visitor {

        private final List<Served> served;
        private final List<String> methods = new ArrayList<>();
        private final List<String> paths = new ArrayList<>();

        RouteCollector(List<Served> served) {
            this.served = served;
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            methods.clear();
            paths.clear();
            predicate.accept(this);
            for (String path : paths) {
                for (String method : methods.isEmpty() ? List.of("GET") : methods) {
                    served.add(new Served(method, path));
                }
            }
        }

        @Override
        public void method(Set<HttpMethod> httpMethods) {
            httpMethods.forEach(method -> methods.add(method.name()));
        }

        @Override
        public void path(String pattern) {
            paths.add(pattern);
        }

        @Override
        public void startNested(RequestPredicate predicate) {
        }

        @Override
        public void endNested(RequestPredicate predicate) {
        }

        @Override
        public void resources(Function<ServerRequest, reactor.core.publisher.Mono<org.springframework.core.io.Resource>> lookupFunction) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
        }

        @Override
        public void pathExtension(String extension) {
        }

        @Override
        public void header(String name, String value) {
        }

        @Override
        public void queryParam(String name, String value) {
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startOr() {
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
        }
    }

}
