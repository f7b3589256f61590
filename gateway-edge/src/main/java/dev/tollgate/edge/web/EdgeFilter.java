package dev.tollgate.edge.web;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * One of the edge's filters, run by {@link EdgeFilters} in the order of its {@code @Order}: a {@code WebFilter}
 * that Spring does not chain itself.
 */
public interface EdgeFilter {

    /** As {@code WebFilter.filter}: answers, or hands the exchange on with {@code chain.filter(exchange)}. */
    Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain);
}
