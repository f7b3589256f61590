package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.database.DatabaseAvailability;
import dev.tollgate.edge.support.Config;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** The event-processor contributor's verdicts, on processors in states a running application rarely shows. */
class EventProcessorsHealthIndicatorTest {

    private static StreamingEventProcessor processor(boolean running, boolean error, long position, boolean segmentError) {
        StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
        when(processor.isRunning()).thenReturn(running);
        when(processor.isError()).thenReturn(error);
        EventTrackerStatus status = mock(EventTrackerStatus.class);
        when(status.getCurrentPosition()).thenReturn(OptionalLong.of(position));
        when(status.isCaughtUp()).thenReturn(true);
        when(status.isErrorState()).thenReturn(segmentError);
        when(status.getError()).thenReturn(segmentError ? new IllegalStateException("the handler broke") : null);
        when(processor.processingStatus()).thenReturn(Map.of(0, status));
        return processor;
    }

    private static Health health(Map<String, EventProcessor> processors) {
        EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
        when(processing.eventProcessors()).thenReturn(processors);
        EventStore store = mock(EventStore.class);
        when(store.createHeadToken()).thenReturn(new GlobalSequenceTrackingToken(100));
        DatabaseAvailability database = mock(DatabaseAvailability.class);
        when(database.isUp()).thenReturn(true);
        return new EventProcessorsHealthIndicator(processing, store, Config.tollgate(), database).health();
    }

    @Test
    void runningProcessorsAreUpWithTheirLagBehindTheHead() {
        Health health = health(Map.of("budget-status", processor(true, false, 90, false)));

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) health.getDetails().get("budget-status");
        assertThat(status).containsEntry("lag", 10L).containsEntry("running", true).containsEntry("segments", 1);
    }

    @Test
    void aProcessorInErrorIsDownEvenWhenOthersAreStopped() {
        Health health = health(Map.of("directory", processor(false, false, 100, false),
                "message-costs", processor(true, false, 50, true)));

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) health.getDetails().get("message-costs");
        assertThat(status).containsEntry("error", true);
        assertThat((String) status.get("errorMessage")).contains("the handler broke");
    }

    @Test
    void aProcessorShutDownByAnErrorIsDown() {
        assertThat(health(Map.of("audit", processor(false, true, 100, false))).getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void aStoppedProcessorIsOutOfServiceUnlessItIsOptional() {
        assertThat(health(Map.of("audit", processor(false, false, 100, false))).getStatus())
                .isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health(Map.of("recalculation-replay", processor(false, true, 100, false))).getStatus())
                .isEqualTo(Status.UP);
    }
}
