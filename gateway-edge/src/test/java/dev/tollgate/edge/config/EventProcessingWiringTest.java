package dev.tollgate.edge.config;

import dev.tollgate.edge.support.GatewayTestSupport;
import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;

import static dev.tollgate.readmodel.Tables.DOMAINEVENTENTRY;
import static org.assertj.core.api.Assertions.assertThat;

/** How Axon's messaging is wired here: no correlation data, processors filtering payload types once. */
class EventProcessingWiringTest extends GatewayTestSupport {

    @Autowired
    Configuration axon;

    @Test
    void storesEventsWithoutCorrelationMetadata() {
        String team = newTeam("10", "10", "clamp");

        byte[] metadata = dsl.select(DOMAINEVENTENTRY.METADATA).from(DOMAINEVENTENTRY)
                .where(DOMAINEVENTENTRY.AGGREGATEIDENTIFIER.eq(team))
                .orderBy(DOMAINEVENTENTRY.SEQUENCENUMBER.desc()).limit(1)
                .fetchOne(DOMAINEVENTENTRY.METADATA);

        assertThat(axon.correlationDataProviders()).isEmpty();
        assertThat(new String(metadata, StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void everyProcessorIsBuiltByTheFilteringModule() {
        assertThat(axon.eventProcessingConfiguration()).isInstanceOf(PayloadTypeFilteringProcessingModule.class);
        EventProcessingConfiguration processing = axon.eventProcessingConfiguration();
        assertThat(processing.eventProcessors()).containsKeys("message-costs", "budget-status", "directory");
    }
}
