package dev.tollgate.edge.ledger;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendLine;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.database.DatabaseAvailability;
import dev.tollgate.edge.database.DatabaseFailures;
import dev.tollgate.edge.database.DatabaseUnavailable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The edge's door to the ledger: gathers the spend lines of one team into batches, one batch in flight per team.
 * <p>
 * Group commit: when a team has no batch in flight, a line goes out at once, alone (no added latency at low load);
 * lines that arrive while a batch is being decided and committed wait and leave together in the next one. Under
 * load a hot team thus decides hundreds of requests per command and per database commit, while every request
 * still gets its own events and the same invariants (see {@link RecordSpendBatch}).
 * <p>
 * A reservation never waits: the request it stands for waits for it. A settlement or release is waited for by
 * nobody (ADR 3), so when its team has nothing in flight it lingers up to {@code tollgate.ledger.settlement-linger}
 * for the team's next lines and leaves with them: at low load one commit carries a request's settlement and the
 * next request's reservation, instead of one commit each. Settlements that arrive while the team's batch is in flight
 * linger too (they do not follow it alone at once), so that the team's next reservation does not wait behind a batch
 * nobody waits for. Until it commits, the reservation holds the budget (never
 * undercounted); a graceful stop sends every line still waiting ({@link #stop()}).
 * <p>
 * While the database cannot be reached ({@link DatabaseAvailability}), a reservation fails at once (the edge answers
 * 503) and is followed by a release, in case its commit went through unseen; settlements and releases are kept and
 * sent again until the database answers, so that a request answered before the outage is charged its real cost.
 * <p>
 * At a graceful stop, after the web server has let the running requests finish and before Axon stops, the ledger
 * waits (up to {@code tollgate.database.drain-timeout}) until every pending line is stored: no settlement is left
 * to expire at its estimate.
 */
@Component
public class SpendLedger implements SmartLifecycle {

    /**
     * Stops after the web server (its graceful shutdown is {@code DEFAULT_PHASE - 1024}, its stop
     * {@code DEFAULT_PHASE - 2048}) and before Axon, which shuts down all of its components at
     * {@code SpringAxonConfiguration.LIFECYCLE_PHASE} ({@code DEFAULT_PHASE - 3072}).
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2560;

    private static final Logger log = LoggerFactory.getLogger(SpendLedger.class);

    private final CommandGateway commands;
    private final int maxBatchSize;
    private final int concurrencyRetries;
    private final long contentionWindowNanos;
    private final ExecutorService dispatchers;
    private final long settlementLingerNanos;
    private final ScheduledExecutorService lingerTimer;
    private final ConcurrentHashMap<String, TeamQueue> queues = new ConcurrentHashMap<>();
    private final DatabaseAvailability database;
    private final ScheduledExecutorService retries;
    private final Duration retryDelay;
    private final Duration drainTimeout;
    /** Lines submitted and not yet decided (queued, in flight or waiting for the database). */
    private final AtomicInteger pendingLines = new AtomicInteger();
    private volatile boolean running;
    private volatile boolean stopping;

    private final Timer batchDuration;
    private final DistributionSummary batchSize;
    private final Timer lineWait;
    private final Timer reservationWait;
    private final Counter conflicts;
    private final Counter deferred;

    public SpendLedger(CommandGateway commands, TollgateProperties properties, MeterRegistry meters,
                       DatabaseAvailability database) {
        this.commands = commands;
        this.database = database;
        this.retryDelay = properties.database().probeInterval();
        this.drainTimeout = properties.database().drainTimeout();
        this.conflicts = Counter.builder("tollgate.ledger.concurrency.conflicts")
                .description("Batches decided again because another node had appended to the team first")
                .register(meters);
        this.deferred = Counter.builder("tollgate.ledger.deferred.lines")
                .description("Settlements and releases kept back while the database could not be reached")
                .register(meters);
        Gauge.builder("tollgate.ledger.pending.lines", pendingLines, AtomicInteger::get)
                .description("Spend lines submitted and not yet durably decided").register(meters);
        this.batchDuration = Timer.builder("tollgate.ledger.batch.duration")
                .description("Deciding and committing one batch of spend lines for one team")
                .publishPercentiles(0.5, 0.9, 0.99).register(meters);
        this.batchSize = DistributionSummary.builder("tollgate.ledger.batch.size")
                .description("Spend lines per batch").publishPercentiles(0.5, 0.9, 0.99).register(meters);
        this.lineWait = Timer.builder("tollgate.ledger.line.duration")
                .description("From a spend line's submission to its durable decision (queueing included)")
                .publishPercentiles(0.5, 0.9, 0.99).register(meters);
        this.reservationWait = Timer.builder("tollgate.ledger.reservation.duration")
                .description("From a reservation's submission to its durable decision (queueing included): what "
                        + "a request waits for before it is forwarded")
                .publishPercentiles(0.5, 0.9, 0.99).register(meters);
        this.maxBatchSize = properties.ledger().maxBatchSize();
        this.concurrencyRetries = properties.ledger().concurrencyRetries();
        this.contentionWindowNanos = properties.ledger().contentionWindow().toNanos();
        this.settlementLingerNanos = properties.ledger().settlementLinger().toNanos();
        this.lingerTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ledger-linger");
            thread.setDaemon(true);
            return thread;
        });
        AtomicInteger threadNumber = new AtomicInteger();
        this.dispatchers = Executors.newFixedThreadPool(properties.ledger().dispatchThreads(), r -> {
            Thread thread = new Thread(r, "ledger-dispatch-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ledger-retry");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Decides {@code line} for {@code teamId}; completes when the decision is durably stored. */
    public CompletableFuture<SpendOutcome> submit(String teamId, SpendLine line) {
        if (line instanceof ReserveSpend && stopping) {
            return CompletableFuture.failedFuture(new DatabaseUnavailable("This Tollgate node is stopping; nothing "
                    + "was charged. Retry shortly.", database.retryAfter()));
        }
        if (line instanceof ReserveSpend && !database.isUp()) {
            // nothing is forwarded without a durable reservation: refuse at once rather than wait for a connection
            return CompletableFuture.failedFuture(database.unavailable());
        }
        long submitted = System.nanoTime();
        Pending pending = new Pending(line, new CompletableFuture<>());
        pendingLines.incrementAndGet();
        Timer wait = line instanceof ReserveSpend ? reservationWait : null;
        pending.outcome().whenComplete((o, e) -> {
            pendingLines.decrementAndGet();
            long waited = System.nanoTime() - submitted;
            lineWait.record(waited, TimeUnit.NANOSECONDS);
            if (wait != null) {
                wait.record(waited, TimeUnit.NANOSECONDS);
            }
        });
        enqueue(teamId, List.of(pending));
        return pending.outcome();
    }

    private void enqueue(String teamId, List<Pending> lines) {
        TeamQueue queue = queues.computeIfAbsent(teamId, TeamQueue::new);
        int reservations = (int) lines.stream().filter(p -> p.line() instanceof ReserveSpend).count();
        // counted before they can be polled, so that the count never goes below what is queued
        queue.reservations.addAndGet(reservations);
        queue.lines.addAll(lines);
        if (reservations > 0 || !lingers()) {
            startDraining(queue);
        } else {
            armLinger(queue);
        }
    }

    private boolean lingers() {
        return settlementLingerNanos > 0 && !stopping;
    }

    /** Settlements wait for the team's next reservation, or leave alone when the linger is over. */
    private void armLinger(TeamQueue queue) {
        if (queue.lingering.compareAndSet(false, true)) {
            try {
                lingerTimer.schedule(() -> {
                    queue.lingering.set(false);
                    queue.lingerOver = true;
                    startDraining(queue);
                }, settlementLingerNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                queue.lingering.set(false);
                queue.lingerOver = true;
                startDraining(queue);
            }
        }
    }

    private void startDraining(TeamQueue queue) {
        if (queue.draining.compareAndSet(false, true)) {
            try {
                dispatchers.execute(() -> drain(queue));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // after the stop: nothing more can be stored
                queue.draining.set(false);
                Pending pending;
                while ((pending = queue.lines.poll()) != null) {
                    if (pending.line() instanceof ReserveSpend) {
                        queue.reservations.decrementAndGet();
                    }
                    pending.outcome().completeExceptionally(database.unavailable());
                }
            }
        }
    }

    private record Pending(SpendLine line, CompletableFuture<SpendOutcome> outcome) {
    }

    private static final class TeamQueue {
        final String teamId;
        final Queue<Pending> lines = new ConcurrentLinkedQueue<>();
        /** Reservations among {@link #lines}. */
        final AtomicInteger reservations = new AtomicInteger();
        final AtomicBoolean draining = new AtomicBoolean();
        final AtomicBoolean lingering = new AtomicBoolean();
        /** A linger has ended: what is queued leaves now, settlements alone included. */
        volatile boolean lingerOver;
        /** Until when ({@link System#nanoTime()}) this team's batches take its cross-node lock; 0: never contended. */
        volatile long contendedUntil;

        TeamQueue(String teamId) {
            this.teamId = teamId;
        }
    }

    private void drain(TeamQueue queue) {
        try {
            drainLines(queue);
        } catch (Throwable unexpected) {
            // never leave the team's queue marked as draining with nobody draining it
            log.error("Draining the spend lines of team {} failed", queue.teamId, unexpected);
            queue.draining.set(false);
            if (!queue.lines.isEmpty() && queue.draining.compareAndSet(false, true)) {
                dispatchers.execute(() -> drain(queue));
            }
        }
    }

    /**
     * Sends the team's queued lines, a batch at a time, until none is left, or until only settlements and releases
     * are left and their linger is not over: those that arrived while a batch was in flight then wait for the
     * team's next reservation (or the end of their linger) instead of leaving alone at once, so that the next
     * reservation does not queue behind a batch of settlements nobody waits for.
     */
    private void drainLines(TeamQueue queue) {
        while (true) {
            boolean settlementsOnly = queue.reservations.get() == 0;
            if (queue.lines.isEmpty() || (settlementsOnly && lingers() && !queue.lingerOver)) {
                if (!queue.lines.isEmpty()) {
                    armLinger(queue);
                }
                queue.draining.set(false);
                // A line may have arrived (or the linger ended) after the check and before the flag was cleared.
                boolean due = queue.reservations.get() > 0 || queue.lingerOver || !lingers();
                if (queue.lines.isEmpty() || !due || !queue.draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            List<Pending> batch = new ArrayList<>();
            Pending next;
            int reservations = 0;
            while (batch.size() < maxBatchSize && (next = queue.lines.poll()) != null) {
                batch.add(next);
                if (next.line() instanceof ReserveSpend) {
                    reservations++;
                }
            }
            queue.reservations.addAndGet(-reservations);
            if (queue.lines.isEmpty()) {
                queue.lingerOver = false; // what arrives from now on lingers again
            }
            if (!batch.isEmpty()) {
                dispatch(queue, batch);
            }
        }
    }

    private void dispatch(TeamQueue queue, List<Pending> batch) {
        String teamId = queue.teamId;
        if (!database.isUp()) {
            keepForLater(teamId, batch);
            return;
        }
        RecordSpendBatch command = new RecordSpendBatch(teamId, batch.stream().map(Pending::line).toList());
        for (int attempt = 0; ; attempt++) {
            try {
                long started = System.nanoTime();
                long contendedUntil = queue.contendedUntil;
                SpendBatchResult result = commands.sendAndWait(contendedUntil != 0 && started - contendedUntil < 0
                        ? GenericCommandMessage.asCommandMessage(command).andMetaData(CrossNodeTeamLock.ASK)
                        : command);
                batchDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                batchSize.record(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).outcome().complete(result.outcomes().get(i));
                }
                return;
            } catch (ConcurrencyException e) {
                // Another node appended to this team first: Axon evicted the cached team; decide again on the
                // reloaded state, and for a while take the team's cross-node lock (CrossNodeTeamLock), so that
                // the retry cannot lose again. Lines are idempotent by request id: a retry never acts twice.
                conflicts.increment();
                queue.contendedUntil = (System.nanoTime() + contentionWindowNanos) | 1; // never 0
                if (attempt < concurrencyRetries) {
                    log.debug("Team {} changed on another node; retrying a batch of {}", teamId, batch.size());
                    continue;
                }
                outraced(teamId, batch, e);
                return;
            } catch (RuntimeException | Error e) {
                // (an Error too: the PostgreSQL driver asserts on a connection cut mid-batch; whatever it is, the
                // batch's callers must hear of it, and this team's queue must go on)
                if (database.report(e) || (DatabaseFailures.involvesJdbc(e) && !database.checkNow())) {
                    keepForLater(teamId, batch);
                } else if (batch.size() > 1 && refusedByTeam(e)) {
                    decideAlone(queue, batch, e);
                } else {
                    if (!refusedByTeam(e)) {
                        releaseLater(teamId, batch); // counted as pending before any caller hears of the failure
                    }
                    fail(batch, e);
                }
                return;
            }
        }
    }

    /**
     * The team refused the batch as a whole for a rule a line broke ({@link #refusedByTeam}), so nothing of
     * it was stored: each line is decided again alone, so that only the line at fault fails, and its error, which may
     * name its request, reaches no other request's client. Lines are idempotent by request id.
     */
    private void decideAlone(TeamQueue queue, List<Pending> batch, Throwable e) {
        log.warn("A batch of {} spend lines for team {} was refused as a whole ({}); deciding each line alone",
                batch.size(), queue.teamId, e.getMessage());
        for (Pending pending : batch) {
            dispatch(queue, List.of(pending));
        }
    }

    /**
     * Whether the team refused the batch for a rule one of its lines broke ({@link CommandRefused}): deciding the
     * lines alone finds it. Any other failure (a lock or statement timeout, a bug) would fail each line alone again,
     * one reload of the team after another: the batch fails as a whole.
     */
    private static boolean refusedByTeam(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CommandRefused) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every attempt lost its race with another node (which does not take the team's lock yet). Nothing of the batch
     * was stored. Its reservations are refused with a 503 (the client may retry; nothing was charged); its
     * settlements and releases go again later: the requests they close were answered, their cost must be stored.
     */
    private void outraced(String teamId, List<Pending> batch, ConcurrencyException e) {
        log.warn("A batch of {} spend lines for team {} lost {} races with other nodes in a row: {}", batch.size(),
                teamId, concurrencyRetries + 1, e.getMessage());
        List<Pending> later = new ArrayList<>();
        for (Pending pending : batch) {
            if (pending.line() instanceof ReserveSpend) {
                pending.outcome().completeExceptionally(new DatabaseUnavailable("The team's budget is being "
                        + "decided by other Tollgate nodes right now; nothing was charged. Retry shortly.",
                        database.retryAfter()));
            } else {
                later.add(pending);
            }
        }
        if (!later.isEmpty()) {
            retryLater(teamId, later);
        }
    }

    /**
     * The database cannot be reached. Reservations fail now (the client gets a 503 and may retry) and are released
     * later, in case their commit went through unseen (a release of a request that was never reserved changes
     * nothing). Settlements and releases wait and go again: the request was answered, its cost must be stored.
     */
    private void keepForLater(String teamId, List<Pending> batch) {
        List<Pending> later = new ArrayList<>();
        for (Pending pending : batch) {
            if (pending.line() instanceof ReserveSpend reserve) {
                pending.outcome().completeExceptionally(database.unavailable());
                later.add(release(reserve, "database_unavailable"));
            } else {
                later.add(pending);
            }
        }
        deferred.increment(later.size());
        retryLater(teamId, later);
    }

    /**
     * A batch failed for something no line did (a bug, a timeout, a step of the unit of work after its events were
     * stored: a spend batch's events may be committed by their append, AppendCommittedByItsStatement). Its
     * reservations' requests are answered with the error and never forwarded, so each is released, in case it was
     * stored: otherwise it would hold its budget until it expired and be charged at its estimate. A release of a
     * request never reserved changes nothing.
     */
    private void releaseLater(String teamId, List<Pending> batch) {
        List<Pending> releases = new ArrayList<>();
        for (Pending pending : batch) {
            if (pending.line() instanceof ReserveSpend reserve) {
                releases.add(release(reserve, "failed_before_forwarding"));
            }
        }
        if (!releases.isEmpty()) {
            retryLater(teamId, releases);
        }
    }

    /** A release of {@code reserve}'s request, counted as pending until it is decided. */
    private Pending release(ReserveSpend reserve, String reason) {
        Pending release = new Pending(new ReleaseReservation(reserve.requestId(), reason), new CompletableFuture<>());
        pendingLines.incrementAndGet();
        release.outcome().whenComplete((o, e) -> pendingLines.decrementAndGet());
        return release;
    }

    private void retryLater(String teamId, List<Pending> later) {
        try {
            retries.schedule(() -> enqueue(teamId, later), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            fail(later, database.unavailable());
        }
    }

    private static void fail(List<Pending> batch, Throwable e) {
        log.error("A batch of {} spend lines failed", batch.size(), e);
        batch.forEach(p -> p.outcome().completeExceptionally(e));
    }

    /** Lines submitted and not yet durably decided. */
    public int pendingLines() {
        return pendingLines.get();
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * The application is closing (SIGTERM): from now on new reservations are refused with a 503, while the requests
     * already reserved run to their settlement, which the web server's graceful shutdown waits for.
     */
    @EventListener(ContextClosedEvent.class)
    public void closing() {
        stopping = true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * The graceful stop: the web server has let the running requests finish; their settlements may still be queued
     * or lingering. Sends every line still waiting and waits until every line is stored (or
     * {@code tollgate.database.drain-timeout} has passed) before Axon stops: no settlement is left to be charged at
     * its estimate.
     */
    @Override
    public void stop() {
        stopping = true;
        lingerTimer.shutdownNow();
        queues.values().forEach(queue -> {
            queue.lingering.set(false);
            queue.lingerOver = true;
            if (!queue.lines.isEmpty()) {
                startDraining(queue);
            }
        });
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        int left = pendingLines.get();
        if (left > 0) {
            log.info("Storing {} pending spend line(s) before stopping", left);
        }
        while ((left = pendingLines.get()) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // a bounded poll of an in-memory counter at shutdown, not a test wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (left > 0) {
            log.error("Stopping with {} spend line(s) not stored after {}: their reservations will expire and be "
                    + "charged at their estimate", left, drainTimeout);
        }
        running = false;
        retries.shutdownNow();
        dispatchers.shutdown();
        try {
            if (!dispatchers.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Spend lines still being committed after 10 s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
