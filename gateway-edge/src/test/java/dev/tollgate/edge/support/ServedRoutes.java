package dev.tollgate.edge.support;

import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Every route the running application serves, read from its handler mappings and router functions. */
public final class ServedRoutes {

    private ServedRoutes() {
    }

    /** A route the application serves: one HTTP method and one path pattern. */
    public record Served(String method, String pattern) {

        /** The pattern with every variable replaced by {@code x1}. */
        public String samplePath() {
            return pattern.replaceAll("\\{\\*[^}]+}", "x1").replaceAll("\\{[^}]+}", "x1").replace("**", "x1")
                    .replace("*", "x1");
        }
    }

    /** Every (method, path pattern) the application's handler mappings serve. */
    public static List<Served> of(ApplicationContext context) {
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
