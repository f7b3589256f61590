package dev.tollgate.edge.deadletter;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.query.support.NotFound;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The events projections could not apply, the cohort boost distributor could not distribute or the move process could
 * not carry on, parked per processing group and sequence in Axon's dead-letter queues (docs/operations.md): how many
 * there are, what they are, and retrying them once the cause is fixed.
 */
@Component
public class DeadLetters {

    /** A message of a dead letter's cause is cut to this many characters: enough to recognise it, bounded. */
    static final int CAUSE_MESSAGE_LIMIT = 200;
    /** At most this many sequences are listed per processing group. */
    static final int LIST_LIMIT = 100;

    private final EventProcessingConfiguration processing;

    public DeadLetters(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    /** One parked event. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Letter(String eventType, String aggregateId, Instant enqueuedAt, Instant lastTouched,
                         String causeType, String causeMessage) {
    }

    /** A parked sequence: its events in order. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Sequence(String processingGroup, List<Letter> events) {
    }

    /** The outcome of retrying a processing group's dead letters. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Retried(String processingGroup, int sequencesProcessed, long remaining) {
    }

    /** The outcome of discarding a processing group's dead letters. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Discarded(String processingGroup, long sequencesDiscarded, long eventsDiscarded) {
    }

    /** Parked events per processing group that has any (groups without a dead-letter queue are left out). */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        for (String group : processing.eventProcessors().keySet()) {
            queue(group).ifPresent(queue -> {
                long size = queue.size();
                if (size > 0) {
                    counts.put(group, size);
                }
            });
        }
        return counts;
    }

    public List<Sequence> list() {
        List<Sequence> sequences = new ArrayList<>();
        for (String group : new TreeMap<>(processing.eventProcessors()).keySet()) {
            queue(group).ifPresent(queue -> {
                int listed = 0;
                for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                    if (listed++ == LIST_LIMIT) {
                        break;
                    }
                    List<Letter> letters = new ArrayList<>();
                    sequence.forEach(letter -> letters.add(letter(letter)));
                    sequences.add(new Sequence(group, letters));
                }
            });
        }
        return sequences;
    }

    /** Processes every parked sequence of {@code group} once; sequences that fail again stay parked. */
    public Retried retry(String group) {
        SequencedDeadLetterQueue<EventMessage<?>> queue = existing(group);
        SequencedDeadLetterProcessor<EventMessage<?>> processor = processing.sequencedDeadLetterProcessor(group)
                .orElseThrow();
        long sequences = queue.amountOfSequences();
        int processed = 0;
        for (long i = 0; i < sequences; i++) {
            if (processor.processAny()) {
                processed++;
            }
        }
        return new Retried(group, processed, queue.size());
    }

    /**
     * Drops every parked sequence of {@code group}: for an event whose row can never be stored (the cause cannot be
     * fixed), so that its sequence's later events are applied again. Its read tables miss those events until a
     * replay of the group (docs/operations.md).
     */
    public Discarded discard(String group) {
        SequencedDeadLetterQueue<EventMessage<?>> queue = existing(group);
        long sequences = queue.amountOfSequences();
        long events = queue.size();
        queue.clear();
        return new Discarded(group, sequences, events);
    }

    private SequencedDeadLetterQueue<EventMessage<?>> existing(String group) {
        return queue(group).orElseThrow(() -> new NotFound("No processing group '"
                + abbreviate(group, 64) + "' with a dead-letter queue."));
    }

    private Optional<SequencedDeadLetterQueue<EventMessage<?>>> queue(String group) {
        return processing.deadLetterQueue(group);
    }

    private static Letter letter(DeadLetter<? extends EventMessage<?>> letter) {
        EventMessage<?> message = letter.message();
        String aggregateId = message instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : null;
        String causeType = letter.cause().map(cause -> cause.type()).orElse(null);
        String causeMessage = letter.cause().map(cause -> abbreviate(cause.message(), CAUSE_MESSAGE_LIMIT)).orElse(null);
        return new Letter(message.getPayloadType().getSimpleName(), aggregateId, letter.enqueuedAt(),
                letter.lastTouched(), causeType, causeMessage);
    }

    private static String abbreviate(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text;
        }
        return text.substring(0, limit - 1) + "…";
    }
}
