package dev.tollgate.edge.config;

import dev.tollgate.edge.support.GatewayTestSupport;
import org.axonframework.config.Configuration;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The aggregates' configurers take their command target resolver from Axon's configuration: it is the cached one. */
class CommandTargetResolverWiringTest extends GatewayTestSupport {

    @Autowired
    Configuration axon;

    @Test
    void everyAggregateResolvesItsTargetWithTheCachedResolver() {
        assertThat(axon.getComponent(CommandTargetResolver.class)).isInstanceOf(CachedCommandTargetResolver.class);
    }
}
