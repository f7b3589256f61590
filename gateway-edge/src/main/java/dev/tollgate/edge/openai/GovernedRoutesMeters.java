package dev.tollgate.edge.openai;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The governed OpenAI routes are timed by Tollgate's own meters only, not by Spring's {@code http.server.requests}.
 * <p>
 * {@code tollgate_requests_total} and {@code tollgate_request_duration_seconds} already count every request of these
 * routes from its arrival, refusals included (a missing key, an unknown model, a budget), by model, operation and
 * outcome. Spring's observation of the same requests (a timer and a long-task timer looked up by their tags, started
 * and stopped around each request) was 5.5 % of the JVM's CPU at saturation (docs/performance.md). Every other route
 * keeps {@code http.server.requests}.
 */
@Configuration(proxyBeanMethods = false)
class GovernedRoutesMeters {

    @Bean
    ObservationPredicate governedRoutesHaveTheirOwnMeters(List<OpenAiEndpoint> endpoints) {
        Set<String> routes = endpoints.stream().map(OpenAiEndpoint::route).collect(Collectors.toUnmodifiableSet());
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && isGoverned(server.getCarrier(), routes));
    }

    private static boolean isGoverned(ServerHttpRequest request, Set<String> routes) {
        return request.getMethod() == HttpMethod.POST
                && routes.contains(request.getPath().pathWithinApplication().value());
    }
}
