package dev.tollgate.edge.database;

import dev.tollgate.edge.config.TollgateProperties;
import org.axonframework.common.AxonThreadFactory;
import org.axonframework.config.ConfigurerModule;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The streaming event processors come back promptly after the database does.
 * <p>
 * Axon's pooled streaming processor retries a failed coordination (claiming its segments, opening its stream) after
 * a back-off that doubles from 0.5 s up to 60 s (waits of 1, 2, 4, 8, 16, 32, 60 s), and reports itself in error
 * until a retry succeeds. After an outage a processor could thus wait about as long again as the outage had lasted,
 * and a retry that failed in the first moments after the database returned (the connection pool still refilling)
 * doubled that: the read model stalled and readiness stayed DOWN long after requests were served again.
 * <p>
 * Every pooled processor's coordinator runs here on a scheduler whose delays never exceed
 * {@code tollgate.database.processor-retry}, and {@link DatabaseAvailability} wakes the processors waiting to retry
 * as soon as its probe reaches the database again.
 */
@Configuration(proxyBeanMethods = false)
public class ProcessorRetries {

    @Bean
    ConfigurerModule processorRetriesBounded(TollgateProperties properties,
                                             ObjectProvider<DatabaseAvailability> database) {
        Duration cap = properties.database().processorRetry();
        return configurer -> configurer.eventProcessing().registerPooledStreamingEventProcessorConfiguration(
                (config, builder) -> builder.coordinatorExecutor(name -> {
                    WakeableScheduler scheduler = new WakeableScheduler("Coordinator[" + name + "]", cap);
                    config.onShutdown(scheduler::shutdown);
                    database.getObject().whenReachableAgain(scheduler::wake);
                    return scheduler;
                }));
    }

    /**
     * A single-threaded scheduler (as Axon's default coordinator executor) whose delays are capped, and whose delayed
     * tasks can all be run at once ({@link #wake()}). Running a coordinator's task early is what Axon itself does when
     * events become available: the coordinator guards against overlapping and stale runs.
     */
    static final class WakeableScheduler extends ScheduledThreadPoolExecutor {

        private final long capNanos;
        private final Set<Delayed> delayed = ConcurrentHashMap.newKeySet();

        WakeableScheduler(String name, Duration cap) {
            super(1, new AxonThreadFactory(name));
            this.capNanos = Math.max(0, cap.toNanos());
        }

        /** (also what {@code execute} and {@code submit} call, with a delay of 0) */
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            long nanos = Math.min(unit.toNanos(delay), capNanos);
            if (nanos <= 0) {
                return super.schedule(command, 0, TimeUnit.NANOSECONDS);
            }
            Delayed task = new Delayed(command);
            delayed.add(task);
            task.timer = super.schedule(task, nanos, TimeUnit.NANOSECONDS);
            return task.timer;
        }

        /** Runs every task still waiting for its delay now; each runs once (its timer then finds nothing to do). */
        void wake() {
            for (Delayed task : delayed) {
                ScheduledFuture<?> timer = task.timer;
                if (timer != null && timer.isCancelled()) {
                    delayed.remove(task); // cancelled by its owner: never run it
                    continue;
                }
                try {
                    execute(task);
                } catch (RejectedExecutionException stopped) {
                    return;
                }
            }
        }

        /** Tasks still waiting for their delay (for tests). */
        int waiting() {
            return delayed.size();
        }

        private final class Delayed implements Runnable {

            private final Runnable command;
            private final AtomicBoolean ran = new AtomicBoolean();
            private volatile ScheduledFuture<?> timer;

            Delayed(Runnable command) {
                this.command = command;
            }

            @Override
            public void run() {
                if (ran.compareAndSet(false, true)) {
                    delayed.remove(this);
                    command.run();
                }
            }
        }
    }
}
