package dev.tollgate.edge.web;

import dev.tollgate.edge.database.DatabaseGuard;
import dev.tollgate.edge.input.QueryParameterCheck;
import dev.tollgate.edge.openai.GovernedDispatch;
import dev.tollgate.edge.security.FailedAuthThrottle;
import dev.tollgate.edge.security.RouteGuard;
import dev.tollgate.edge.security.SecurityHeaders;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/** Every request passes the edge's filters in one documented order, as the only filter Spring chains. */
class EdgeFiltersTest extends GatewayTestSupport {

    @Autowired
    ApplicationContext context;

    @Autowired
    EdgeFilters edgeFilters;

    @Test
    void theEdgeFiltersAreSpringsOnlyWebFilterAndRunInTheirDocumentedOrder() {
        assertThat(context.getBeansOfType(WebFilter.class).values()).containsExactly(edgeFilters);
        assertThat(edgeFilters.filters()).extracting(Object::getClass).containsExactly(SecurityHeaders.class,
                FailedAuthThrottle.class, DatabaseGuard.class, RouteGuard.class, QueryParameterCheck.class,
                GovernedDispatch.class);
    }

    @Test
    void aRefusalThrownByALaterFilterStillGetsTheHeadersOfAnEarlierOne() {
        // RouteGuard throws for a route nobody declared; SecurityHeaders, before it, still marks the answer
        Http.Response unknown = http().get("/no/such/route", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(unknown.body()).contains("\"error\"");
    }
}
