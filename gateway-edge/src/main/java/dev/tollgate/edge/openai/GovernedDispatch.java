package dev.tollgate.edge.openai;

import dev.tollgate.edge.web.EdgeFilter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The governed routes' requests go from the edge's checks straight to their {@link OpenAiEndpoint}, without WebFlux's
 * dispatcher: the last of the edge's filters ({@code web.EdgeFilters}), after every check the other routes pass.
 * <p>
 * Why: for a request whose route is already known, the dispatcher's work (asking each handler mapping in turn,
 * matching the router's patterns, a handler adapter, a {@code HandlerResult} with its resolved return type, a result
 * handler) is several per cent of a governed request's CPU at saturation (docs/performance.md), and decides nothing.
 * <p>
 * Only a {@code POST} whose path is exactly a governed route (the raw path, as the route table and the route guard
 * read it; a query string is allowed) is taken here. Any other spelling the route guard lets through (an escaped
 * letter such as {@code %63}, a trailing slash) goes on to the dispatcher, whose router answers it as before: the
 * functional routes stay the routes' declaration (and the API documentation's source), this only takes the plain
 * spelling first. Errors leave as they would from the router: to the error handler
 * ({@code errors.OpenAiErrorHandler}).
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE) // last: after the security headers, the throttle, the guards and the query check
public class GovernedDispatch implements EdgeFilter {

    private final Map<String, OpenAiEndpoint> endpoints;
    private final List<HttpMessageReader<?>> readers;
    private final ServerResponse.Context context;

    GovernedDispatch(List<OpenAiEndpoint> endpoints, ServerCodecConfigurer codecs) {
        this.endpoints = endpoints.stream().collect(Collectors.toUnmodifiableMap(OpenAiEndpoint::route,
                Function.identity()));
        this.readers = codecs.getReaders();
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        };
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        OpenAiEndpoint endpoint = endpointFor(exchange.getRequest());
        if (endpoint == null) {
            return chain.filter(exchange);
        }
        return endpoint.handle(ServerRequest.create(exchange, readers))
                .flatMap(response -> response.writeTo(exchange, context));
    }

    /** The governed route a request is for, when it is a {@code POST} to its plain path; else {@code null}. */
    OpenAiEndpoint endpointFor(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.POST) {
            return null;
        }
        return endpoints.get(request.getPath().pathWithinApplication().value());
    }
}
