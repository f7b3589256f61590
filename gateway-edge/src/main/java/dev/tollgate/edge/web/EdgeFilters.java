package dev.tollgate.edge.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * The edge's filters ({@link EdgeFilter} beans), in the order of their {@code @Order}, as the one {@code WebFilter}
 * every request passes:
 * {@code SecurityHeaders}, {@code FailedAuthThrottle}, {@code DatabaseGuard}, {@code RouteGuard},
 * {@code QueryParameterCheck}, and last {@code GovernedDispatch} (the governed routes' plain spellings straight to
 * their endpoint; everything else on to WebFlux's dispatcher).
 * <p>
 * Spring's own chain puts a checkpoint on each filter of each request (an assembly snapshot and its description, a
 * string concatenated per call): for the five, 1.7 % of the JVM's CPU at saturation (docs/performance.md). Here each
 * filter is called as Spring calls it, deferred until the chain is subscribed (so that what a filter throws reaches
 * the filters before it as an error), without the checkpoint.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class EdgeFilters implements WebFilter {

    private final List<EdgeFilter> filters;

    /** {@code filters} as Spring injects a list: sorted by their {@code @Order}. */
    public EdgeFilters(List<EdgeFilter> filters) {
        this.filters = List.copyOf(filters);
    }

    /** The filters in the order they run, for tests and diagnostics. */
    public List<EdgeFilter> filters() {
        return filters;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain rest) {
        return new Step(0, rest).filter(exchange);
    }

    /** The chain as the filter at {@code index} sees it: the filters after it, then {@code rest}. */
    private final class Step implements WebFilterChain {

        private final int index;
        private final WebFilterChain rest;

        Step(int index, WebFilterChain rest) {
            this.index = index;
            this.rest = rest;
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            if (index == filters.size()) {
                return rest.filter(exchange);
            }
            return Mono.defer(() -> filters.get(index).filter(exchange, new Step(index + 1, rest)));
        }
    }
}
