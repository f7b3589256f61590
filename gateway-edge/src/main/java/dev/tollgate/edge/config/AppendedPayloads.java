package dev.tollgate.edge.config;

import dev.tollgate.api.privacy.PersonalData;
import dev.tollgate.api.spend.RequestEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payloads of the spend events this node appended last, by event identifier, so that the event store's reader
 * hands them to the processors as they were appended instead of decoding their JSON again.
 * <p>
 * The processors read every event a few milliseconds after its commit, and at saturation decoding the two spend
 * events of each request ({@code SpendReserved}, {@code SpendSettled}) was about a fifteenth of the JVM's CPU.
 * It is safe because the payload read back from the store equals the one appended (records of strings, exact
 * amounts and instants written to the nanosecond; {@code AppendedPayloadsTest} compares them): a processor sees the
 * same event whether it follows the head or replays the store, and on another node (which decodes) the same as here.
 * Only {@link RequestEvent}s without {@link PersonalData} and with empty metadata are kept: personal data reads
 * differently once its person is erased, and those events are the hot ones. The timestamp is the stored one (Axon
 * keeps milliseconds), as a replay would read it.
 * <p>
 * Bounded: the oldest are forgotten first; an event that is no longer here (read late, appended by another node, or
 * whose commit failed and was never read) is decoded from the store as before.
 */
final class AppendedPayloads {

    /** Whether a payload class may be handed over as appended: a spend event without personal data. */
    private static final ClassValue<Boolean> KEPT = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return RequestEvent.class.isAssignableFrom(type) && type.isRecord()
                    && Arrays.stream(type.getRecordComponents())
                    .noneMatch(component -> component.isAnnotationPresent(PersonalData.class));
        }
    };

    private final Map<String, Object> byEventId;

    AppendedPayloads(int capacity) {
        this.byEventId = new LinkedHashMap<>(capacity * 4 / 3 + 1) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Keeps the payloads of the spend events among {@code events}, just appended. */
    void remember(List<? extends EventMessage<?>> events) {
        for (EventMessage<?> event : events) {
            Object payload = event.getPayload();
            if (payload != null && KEPT.get(payload.getClass()) && event.getMetaData().isEmpty()) {
                synchronized (byEventId) {
                    byEventId.put(event.getIdentifier(), payload);
                }
            }
        }
    }

    /** {@code read} with the payload it was appended with, when this node appended it lately; else {@code read}. */
    TrackedEventMessage<?> withAppendedPayload(TrackedEventMessage<?> read) {
        if (!(read instanceof DomainEventMessage<?> domain)) {
            return read;
        }
        Object payload;
        synchronized (byEventId) {
            payload = byEventId.get(read.getIdentifier());
        }
        if (payload == null) {
            return read;
        }
        Instant timestamp = read.getTimestamp();
        return new GenericTrackedDomainEventMessage<>(read.trackingToken(), domain.getType(),
                domain.getAggregateIdentifier(), domain.getSequenceNumber(),
                new GenericMessage<>(read.getIdentifier(), payload, MetaData.emptyInstance()), () -> timestamp);
    }
}
