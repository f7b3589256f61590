package dev.tollgate.edge.database;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The coordinators' scheduler: Axon's back-off (up to 60 s) capped, and every waiting retry run when woken. */
class ProcessorRetriesTest {

    @Test
    void aLongBackOffIsCappedAndAShortDelayKept() throws Exception {
        ProcessorRetries.WakeableScheduler scheduler = new ProcessorRetries.WakeableScheduler("test", Duration
                .ofMillis(200));
        try {
            CountDownLatch retried = new CountDownLatch(1);
            long started = System.nanoTime();
            scheduler.schedule(retried::countDown, 60_000, TimeUnit.MILLISECONDS);
            assertThat(retried.await(10, TimeUnit.SECONDS)).as("a 60 s back-off runs after the cap").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(200));

            CountDownLatch soon = new CountDownLatch(1);
            scheduler.execute(soon::countDown);
            assertThat(soon.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(scheduler.waiting()).isZero();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void wakingRunsEveryWaitingTaskOnceAndAtOnce() throws Exception {
        ProcessorRetries.WakeableScheduler scheduler = new ProcessorRetries.WakeableScheduler("test", Duration
                .ofMinutes(10));
        try {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch both = new CountDownLatch(2);
            scheduler.schedule(() -> {
                runs.incrementAndGet();
                both.countDown();
            }, 60, TimeUnit.SECONDS);
            scheduler.schedule(() -> {
                runs.incrementAndGet();
                both.countDown();
            }, 5, TimeUnit.SECONDS);
            assertThat(scheduler.waiting()).isEqualTo(2);

            scheduler.wake();
            assertThat(both.await(10, TimeUnit.SECONDS)).as("woken long before their delays").isTrue();
            scheduler.wake(); // nothing left to run
            assertThat(scheduler.submit(() -> { }).get(10, TimeUnit.SECONDS)).isNull();
            assertThat(runs.get()).isEqualTo(2);
            assertThat(scheduler.waiting()).isZero();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aStoppedSchedulerIgnoresAWake() {
        ProcessorRetries.WakeableScheduler scheduler = new ProcessorRetries.WakeableScheduler("test", Duration
                .ofSeconds(1));
        scheduler.schedule(() -> { }, 30, TimeUnit.SECONDS);
        scheduler.shutdownNow();
        scheduler.wake();
        assertThat(scheduler.isShutdown()).isTrue();
    }
}
