package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.database.DatabaseAvailability;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code eventProcessors} in {@code /actuator/health} and the readiness group: each Axon streaming processor, whether
 * it runs, whether it is in error, its segments on this node and its lag (events between the event store's head and
 * the processor's position). DOWN when a processor or one of its segments is in error; OUT_OF_SERVICE when a
 * processor that should run is stopped. Lag is reported, never judged: a replay lags by design.
 *
 * <p>{@code recalculation-replay} is stopped for a moment whenever a recalculation starts; it is reported but does
 * not make the node unready ({@code tollgate.telemetry.health.optional-processors}).
 */
@Component("eventProcessorsHealthIndicator")
public class EventProcessorsHealthIndicator implements HealthIndicator {

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final Set<String> optional;
    private final DatabaseAvailability database;

    public EventProcessorsHealthIndicator(EventProcessingConfiguration processing, EventStore eventStore,
                                          TollgateProperties properties, DatabaseAvailability database) {
        this.processing = processing;
        this.database = database;
        this.eventStore = eventStore;
        this.optional = Set.copyOf(properties.telemetry().health().optionalProcessors());
    }

    @Override
    public Health health() {
        // the head is read from the event store: not while the database is known to be unreachable (readiness
        // answers at once; `db` says why)
        Long head = database.isUp() ? position(eventStore.createHeadToken()) : null;
        Status overall = Status.UP;
        Map<String, Object> details = new TreeMap<>();
        for (Map.Entry<String, EventProcessor> entry : processing.eventProcessors().entrySet()) {
            if (!(entry.getValue() instanceof StreamingEventProcessor processor)) {
                continue;
            }
            String name = entry.getKey();
            Map<String, Object> status = new LinkedHashMap<>();
            boolean running = processor.isRunning();
            boolean error = processor.isError();
            Long lowest = null;
            boolean caughtUp = true;
            boolean replaying = false;
            int segments = 0;
            String segmentError = null;
            for (EventTrackerStatus tracker : processor.processingStatus().values()) {
                segments++;
                caughtUp &= tracker.isCaughtUp();
                replaying |= tracker.isReplaying();
                if (tracker.isErrorState()) {
                    error = true;
                    segmentError = tracker.getError() == null ? "error" : tracker.getError().toString();
                }
                OptionalLong position = tracker.getCurrentPosition();
                long at = position.isPresent() ? position.getAsLong() : -1;
                lowest = lowest == null ? at : Math.min(lowest, at);
            }
            status.put("running", running);
            status.put("error", error);
            if (segmentError != null) {
                status.put("errorMessage", segmentError);
            }
            status.put("segments", segments);
            status.put("caughtUp", segments > 0 && caughtUp);
            status.put("replaying", replaying);
            if (head != null && lowest != null) {
                status.put("lag", Math.max(0, head - lowest));
            }
            boolean counts = !optional.contains(name);
            status.put("affectsReadiness", counts);
            details.put(name, status);
            if (counts && error) {
                overall = Status.DOWN;
            } else if (counts && !running && overall.equals(Status.UP)) {
                overall = Status.OUT_OF_SERVICE;
            }
        }
        Health.Builder builder = Health.status(overall).withDetails(details);
        if (head != null) {
            builder.withDetail("headPosition", head);
        }
        return builder.build();
    }

    private static Long position(TrackingToken token) {
        if (token == null) {
            return null;
        }
        OptionalLong position = token.position();
        return position.isPresent() ? position.getAsLong() : null;
    }
}
