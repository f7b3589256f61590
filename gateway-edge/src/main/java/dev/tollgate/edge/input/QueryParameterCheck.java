package dev.tollgate.edge.input;

import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.web.EdgeFilter;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

/**
 * Refuses query parameters that carry NUL or another control character (decoded: {@code ?team_id=a%00b}) with a 400
 * before any route reads them; path segments get the same treatment from the route guard (security/CanonicalPath).
 * The API documentation ({@code /v3/api-docs...}) takes no parameters: its query is dropped, because springdoc builds
 * the server URLs it publishes from the request's URL, query included, and would repeat any input.
 */
@Component
@Order(4) // after the route guard (web.EdgeFilters)
public class QueryParameterCheck implements EdgeFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        java.net.URI uri = exchange.getRequest().getURI();
        if (uri.getRawQuery() != null && uri.getRawPath().startsWith("/v3/api-docs")) {
            java.net.URI withoutQuery = org.springframework.web.util.UriComponentsBuilder.fromUri(uri)
                    .replaceQuery(null).build(true).toUri();
            return chain.filter(exchange.mutate().request(request -> request.uri(withoutQuery)).build());
        }
        if (uri.getRawQuery() != null) {
            MultiValueMap<String, String> params;
            try {
                params = exchange.getRequest().getQueryParams();
            } catch (IllegalArgumentException e) {
                return Mono.error(ApiError.invalidRequest("The query string cannot be decoded.", null));
            }
            for (Map.Entry<String, List<String>> param : params.entrySet()) {
                boolean bad = InputText.hasControl(param.getKey());
                for (String value : param.getValue()) {
                    bad |= value != null && InputText.hasControl(value);
                }
                if (bad) {
                    boolean named = !InputText.hasControl(param.getKey()) && param.getKey().length() <= 64;
                    return Mono.error(ApiError.invalidRequest("A query parameter must not contain NUL or other "
                            + "control characters.", named ? param.getKey() : null));
                }
            }
        }
        return chain.filter(exchange);
    }
}
