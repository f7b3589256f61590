package dev.tollgate.edge.openai;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

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
    ObservationPredicate governedRoutesHaveTheirOwnMeters(GovernedDispatch dispatch) {
        // the requests GovernedDispatch takes: the same decision, made in one place
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && dispatch.endpointFor(server.getCarrier()) != null);
    }
}
