package dev.tollgate.edge.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /actuator/health/readiness}: PostgreSQL and every event processor; liveness stays simple. */
class ReadinessTest extends GatewayTestSupport {

    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void readinessReportsPostgresAndTheEventProcessorsToProbesWithoutACredential() {
        Http.Response ready = http().get("/actuator/health/readiness", null);

        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        JsonNode components = ready.json().path("components");
        assertThat(ready.json().path("status").asText()).isEqualTo("UP");
        assertThat(components.path("db").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("eventProcessors").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("readinessState").path("status").asText()).isEqualTo("UP");
        assertThat(components.has("redis")).as("no Redis is configured").isFalse();
        assertThat(components.path("eventProcessors").has("details")).as("details are for admins").isFalse();
    }

    @Test
    void anAdminSeesEachProcessorRunningWithItsLagAndTheDatabaseButProbesDoNot() {
        assertThat(http().get("/actuator/health/details", null).status()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode processors = http().get("/actuator/health/details", MASTER_KEY).json()
                    .path("components").path("eventProcessors").path("details");
            for (String name : new String[]{"message-costs", "budget-status", "directory", "audit", "spend-rollups"}) {
                JsonNode processor = processors.path(name);
                assertThat(processor.path("running").asBoolean()).as(name + " in " + processors).isTrue();
                assertThat(processor.path("error").asBoolean()).as(name).isFalse();
                assertThat(processor.path("segments").asInt()).as(name).isPositive();
                assertThat(processor.path("lag").isIntegralNumber()).as(name + ": " + processor).isTrue();
            }
            assertThat(processors.path("headPosition").asLong()).isPositive();
        });
        JsonNode db = http().get("/actuator/health/details", MASTER_KEY).json().path("components").path("db");
        assertThat(db.path("details").path("database").asText()).isEqualTo("PostgreSQL");
    }

    @Test
    void aStoppedEventProcessorMakesTheNodeNotReadyButStillLive() {
        StreamingEventProcessor audit = processing.eventProcessor("audit", StreamingEventProcessor.class)
                .orElseThrow();
        audit.shutDown();
        try {
            Http.Response ready = http().get("/actuator/health/readiness", null);
            assertThat(ready.status()).as(ready.body()).isEqualTo(503);
            assertThat(ready.json().path("status").asText()).isEqualTo("OUT_OF_SERVICE");
            assertThat(ready.json().path("components").path("eventProcessors").path("status").asText())
                    .isEqualTo("OUT_OF_SERVICE");
            assertThat(ready.json().path("components").path("db").path("status").asText()).isEqualTo("UP");
            JsonNode processors = http().get("/actuator/health/details", MASTER_KEY).json()
                    .path("components").path("eventProcessors");
            assertThat(processors.path("details").path("audit").path("running").asBoolean()).isFalse();
            assertThat(processors.path("details").path("message-costs").path("running").asBoolean()).isTrue();

            Http.Response live = http().get("/actuator/health/liveness", null);
            assertThat(live.status()).as(live.body()).isEqualTo(200);
            assertThat(live.json().path("components").has("eventProcessors")).isFalse();
        } finally {
            audit.start();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http().get("/actuator/health/readiness", null).status() == 200);
    }

    @Test
    void theRecalculationReplayStoppedWhileNoRecalculationRunsDoesNotMakeTheNodeUnready() {
        StreamingEventProcessor replay = processing.eventProcessor("recalculation-replay",
                StreamingEventProcessor.class).orElseThrow();
        // stopped between recalculations (Recalculations): it would read every event for nothing
        await().atMost(Duration.ofSeconds(10)).until(() -> !replay.isRunning());
        Http.Response ready = http().get("/actuator/health/readiness", null);
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        JsonNode details = http().get("/actuator/health/details", MASTER_KEY).json()
                .path("components").path("eventProcessors").path("details");
        assertThat(details.path("recalculation-replay").path("running").asBoolean()).isFalse();
        assertThat(details.path("recalculation-replay").path("affectsReadiness").asBoolean()).isFalse();
    }
}
