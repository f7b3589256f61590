package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.database.DatabaseAvailability;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges for the operator's alerts (docs/prometheus/tollgate-alerts.yaml), refreshed every
 * {@code tollgate.telemetry.metrics.health-refresh} on the scheduler's thread, never on a scrape ({@code
 * tollgate.database.up} is {@link DatabaseAvailability}'s, whose probe also decides the node's 503s and readiness):
 * <ul>
 *   <li>{@code tollgate.event.processor.lag{processor}}: events between the event store's head and the processor's
 *       lowest segment on this node (as in {@code /actuator/health});</li>
 *   <li>{@code tollgate.event.processor.running{processor}} and {@code tollgate.event.processor.error{processor}}:
 *       1 or 0.</li>
 * </ul>
 */
@Component
public class OperationsGauges {

    private static final Logger log = LoggerFactory.getLogger(OperationsGauges.class);
    private static final String REFRESH = "#{@'" + TollgateProperties.BEAN
            + "'.telemetry().metrics().healthRefresh()}";

    private final DatabaseAvailability database;
    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong[]> processors = new ConcurrentHashMap<>();

    public OperationsGauges(DatabaseAvailability database, EventProcessingConfiguration processing,
                            EventStore eventStore, MeterRegistry meters) {
        this.database = database;
        this.processing = processing;
        this.eventStore = eventStore;
        this.meters = meters;
    }

    @Scheduled(initialDelay = 0, fixedDelayString = REFRESH)
    public void refresh() {
        if (!database.isUp()) {
            return; // positions cannot be read: the lag gauges keep their last values
        }
        try {
            Long head = position(eventStore.createHeadToken());
            for (Map.Entry<String, EventProcessor> entry : processing.eventProcessors().entrySet()) {
                if (!(entry.getValue() instanceof StreamingEventProcessor processor)) {
                    continue;
                }
                AtomicLong[] values = processors.computeIfAbsent(entry.getKey(), this::register);
                Long lowest = null;
                boolean error = processor.isError();
                for (EventTrackerStatus tracker : processor.processingStatus().values()) {
                    error |= tracker.isErrorState();
                    OptionalLong at = tracker.getCurrentPosition();
                    long position = at.isPresent() ? at.getAsLong() : -1;
                    lowest = lowest == null ? position : Math.min(lowest, position);
                }
                values[0].set(head == null || lowest == null ? 0 : Math.max(0, head - lowest));
                values[1].set(processor.isRunning() ? 1 : 0);
                values[2].set(error ? 1 : 0);
            }
        } catch (RuntimeException e) {
            log.warn("The event processors' gauges could not be refreshed: {}", e.getMessage());
        }
    }

    private AtomicLong[] register(String processor) {
        AtomicLong[] values = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
        Gauge.builder("tollgate.event.processor.lag", values[0], AtomicLong::get).tag("processor", processor)
                .description("Events between the event store's head and the processor's position on this node")
                .register(meters);
        Gauge.builder("tollgate.event.processor.running", values[1], AtomicLong::get).tag("processor", processor)
                .description("1 when the processor runs on this node").register(meters);
        Gauge.builder("tollgate.event.processor.error", values[2], AtomicLong::get).tag("processor", processor)
                .description("1 when the processor or one of its segments is in error").register(meters);
        return values;
    }

    private static Long position(TrackingToken token) {
        if (token == null) {
            return null;
        }
        OptionalLong position = token.position();
        return position.isPresent() ? position.getAsLong() : null;
    }
}
