package dev.tollgate.edge.config;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStoreException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Axon's embedded event store, but its reader (the thread that fetches new events for every event processor) is
 * woken at most once per {@code linger} after commits, instead of at every commit.
 * <p>
 * Why: the embedded store wakes its reader after each commit, and a woken reader queries the store until a query
 * comes back empty: two or three statements per commit. At a few hundred requests a second, with a reservation and
 * a settlement committed per request, that was most of the statements PostgreSQL ran for the read model. Waiting a
 * moment lets one query return the events of every commit of that moment. The processors read from the reader's
 * cache (they poll it every 500 ms when idle), so the read model lags by at most {@code linger} more. Nothing on the
 * request path reads through this reader: commands load aggregates from the storage engine (or the cache).
 * <p>
 * The processors' streams call their coordinators back when events have arrived (ProcessorWakeups), which Axon's
 * embedded store does not: without it an idle coordinator looks again only after 500 ms, by when at a high rate the
 * cache has moved past it and it reads the events again from the database.
 * <p>
 * The same thread unlinks the events the cache has dropped ({@link DroppedEventUnlinker}) every
 * {@link #UNLINK_INTERVAL}: a dropped event that had reached the old generation keeps the events after it alive for
 * at most that long, well under the half second between two young collections at saturation.
 */
public class LingeringEventStore extends EmbeddedEventStore {

    private final long lingerNanos;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final ScheduledExecutorService waker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "event-store-waker");
        thread.setDaemon(true);
        return thread;
    });

    private final ProcessorWakeups wakeups;

    /**
     * @param linger          how long after a commit the reader waits before it fetches
     * @param wakeAfterEvents how many new events wake the processors at once (well below the cached events)
     */
    public LingeringEventStore(Builder builder, Duration linger, int wakeAfterEvents) {
        super(builder);
        this.lingerNanos = linger.toNanos();
        this.wakeups = new ProcessorWakeups(this::openStreamAtHead, wakeAfterEvents, PROCESSOR_MAX_WAKE_DELAY);
        long every = UNLINK_INTERVAL.toNanos();
        waker.scheduleWithFixedDelay(new DroppedEventUnlinker(this), every, every, TimeUnit.NANOSECONDS);
    }

    /** How often the events the cache has dropped are unlinked. */
    static final Duration UNLINK_INTERVAL = Duration.ofMillis(100);

    /** The longest a processor waits for new events: what Axon's coordinators wait for when they cannot be woken. */
    static final Duration PROCESSOR_MAX_WAKE_DELAY = Duration.ofMillis(500);

    @Override
    public TrackingEventStream openStream(TrackingToken trackingToken) {
        return wakeups.wrap(super.openStream(trackingToken));
    }

    private TrackingEventStream openStreamAtHead() {
        return super.openStream(createHeadToken());
    }

    /**
     * Appends the events as Axon does, but an {@link Error} thrown by the append (the PostgreSQL driver asserts
     * with {@code -ea} where a connection cut mid-batch makes its own calls fail) leaves as an exception. Axon's unit
     * of work rolls back only on an {@link Exception} from its commit: after an Error it neither rolled back the
     * transaction nor evicted the cached aggregate, which then held events that were never stored (a team whose
     * cache had closed a reservation, or opened one, that the store did not have), and its next decisions were
     * taken on that state: a settlement retried after the outage was answered "not open" and its reservation stayed
     * open in the store.
     */
    @Override
    protected void prepareCommit(List<? extends EventMessage<?>> events) {
        try {
            super.prepareCommit(events);
        } catch (Error failure) {
            throw new EventStoreException("Appending " + events.size() + " event(s) failed: " + failure, failure);
        }
    }

    @Override
    protected void afterCommit(List<? extends EventMessage<?>> events) {
        if (lingerNanos <= 0 || waker.isShutdown()) {
            super.afterCommit(events);
            return;
        }
        if (wakePending.compareAndSet(false, true)) {
            // The reader fetches everything after its last event: the events of the commits in between come along.
            try {
                waker.schedule(() -> {
                    wakePending.set(false);
                    super.afterCommit(events);
                }, lingerNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopped) {
                wakePending.set(false);
                super.afterCommit(events);
            }
        }
    }

    @Override
    public void shutDown() {
        waker.shutdownNow();
        wakeups.close();
        super.shutDown();
    }
}
