package dev.tollgate.edge.config;

import dev.tollgate.edge.boost.CohortBoostDistributor;
import dev.tollgate.edge.membership.MoveProcess;
import dev.tollgate.edge.support.GatewayTestSupport;
import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;

import static dev.tollgate.readmodel.Tables.DOMAINEVENTENTRY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How Axon's messaging is wired here: no correlation data, processors filtering payload types once, the read model's
 * transactions committed asynchronously.
 */
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

    @Test
    void onlyTheReadModelsProcessorsCommitAsynchronously() {
        EventProcessingConfiguration processing = axon.eventProcessingConfiguration();

        assertThat(processing.eventProcessors()).containsKeys(
                AxonConfiguration.READ_MODEL_PROCESSORS.toArray(String[]::new));
        AxonConfiguration.READ_MODEL_PROCESSORS.forEach(processor ->
                assertThat(processing.transactionManager(processor)).as(processor)
                        .isInstanceOf(AsynchronousCommitTransactionManager.class));
        // the ones that send commands commit as the ledger does
        assertThat(processing.transactionManager(MoveProcess.PROCESSING_GROUP))
                .isNotInstanceOf(AsynchronousCommitTransactionManager.class);
        assertThat(processing.transactionManager(CohortBoostDistributor.PROCESSING_GROUP))
                .isNotInstanceOf(AsynchronousCommitTransactionManager.class);
    }
}
