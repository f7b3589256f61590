package dev.tollgate.edge.config;

import dev.tollgate.edge.support.GatewayTestSupport;
import org.axonframework.config.Configuration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Axon attaches no correlation data to messages (AxonConfiguration.noCorrelationData): the spend events of a governed
 * request are stored with empty metadata, and the processors' units of work have nothing to copy from them.
 */
class CorrelationDataWiringTest extends GatewayTestSupport {

    @Autowired
    Configuration axon;

    @Test
    void eventsAreStoredWithoutCorrelationData() {
        assertThat(axon.correlationDataProviders()).isEmpty();

        String team = newTeam("10", null, "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of("gpt-test"));
        assertThat(chat(key, "gpt-test", Map.of()).status()).isEqualTo(200);

        List<String> metaData = dsl.fetch("select convert_from(metadata, 'UTF8') from domainevententry "
                        + "where aggregateidentifier = ? order by sequencenumber", team)
                .getValues(0, String.class);
        assertThat(metaData).as("the team's events, its creation and the request's reservation among them")
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(m -> assertThat(m).isEqualTo("{}"));
    }
}
