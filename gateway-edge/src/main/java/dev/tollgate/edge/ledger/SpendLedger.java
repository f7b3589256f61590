package dev.tollgate.edge.ledger;

import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendLine;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.edge.config.TollgateProperties;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

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
 * next request's reservation, instead of one commit each. Until it commits, the reservation holds the budget (never
 * undercounted); a graceful stop sends every line still waiting ({@link #stop()}).
 */
@Component
public class SpendLedger {

    private static final Logger log = LoggerFactory.getLogger(SpendLedger.class);

    private final CommandGateway commands;
    private final int maxBatchSize;
    private final int concurrencyRetries;
    private final ExecutorService dispatchers;
    private final long settlementLingerNanos;
    private final ScheduledExecutorService lingerTimer;
    private final ConcurrentHashMap<String, TeamQueue> queues = new ConcurrentHashMap<>();

    private final Timer batchDuration;
    private final DistributionSummary batchSize;
    private final Timer lineWait;

    public SpendLedger(CommandGateway commands, TollgateProperties properties, MeterRegistry meters) {
        this.commands = commands;
        this.batchDuration = Timer.builder("tollgate.ledger.batch.duration")
                .description("Deciding and committing one batch of spend lines for one team")
                .publishPercentiles(0.5, 0.9, 0.99).register(meters);
        this.batchSize = DistributionSummary.builder("tollgate.ledger.batch.size")
                .description("Spend lines per batch").publishPercentiles(0.5, 0.9, 0.99).register(meters);
        this.lineWait = Timer.builder("tollgate.ledger.line.duration")
                .description("From a spend line's submission to its durable decision (queueing included)")
                .publishPercentiles(0.5, 0.9, 0.99).register(meters);
        this.maxBatchSize = properties.ledger().maxBatchSize();
        this.concurrencyRetries = properties.ledger().concurrencyRetries();
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
    }

    /** Decides {@code line} for {@code teamId}; completes when the decision is durably stored. */
    public CompletableFuture<SpendOutcome> submit(String teamId, SpendLine line) {
        long submitted = System.nanoTime();
        Pending pending = new Pending(line, new CompletableFuture<>());
        pending.outcome().whenComplete((o, e) -> lineWait.record(System.nanoTime() - submitted, TimeUnit.NANOSECONDS));
        TeamQueue queue = queues.computeIfAbsent(teamId, TeamQueue::new);
        queue.lines.add(pending);
        if (line instanceof ReserveSpend || settlementLingerNanos <= 0 || stopping) {
            startDraining(queue);
        } else if (queue.lingering.compareAndSet(false, true)) {
            // Leaves with the team's next reservation, or alone when the linger is over.
            try {
                lingerTimer.schedule(() -> {
                    queue.lingering.set(false);
                    startDraining(queue);
                }, settlementLingerNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                queue.lingering.set(false);
                startDraining(queue);
            }
        }
        return pending.outcome();
    }

    private void startDraining(TeamQueue queue) {
        if (queue.draining.compareAndSet(false, true)) {
            dispatchers.execute(() -> drain(queue));
        }
    }

    private record Pending(SpendLine line, CompletableFuture<SpendOutcome> outcome) {
    }

    private static final class TeamQueue {
        final String teamId;
        final Queue<Pending> lines = new ConcurrentLinkedQueue<>();
        final AtomicBoolean draining = new AtomicBoolean();
        final AtomicBoolean lingering = new AtomicBoolean();

        TeamQueue(String teamId) {
            this.teamId = teamId;
        }
    }

    private void drain(TeamQueue queue) {
        while (true) {
            List<Pending> batch = new ArrayList<>();
            Pending next;
            while (batch.size() < maxBatchSize && (next = queue.lines.poll()) != null) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                queue.draining.set(false);
                // A line may have arrived after the last poll and before the flag was cleared.
                if (queue.lines.isEmpty() || !queue.draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            dispatch(queue.teamId, batch);
        }
    }

    private void dispatch(String teamId, List<Pending> batch) {
        RecordSpendBatch command = new RecordSpendBatch(teamId, batch.stream().map(Pending::line).toList());
        for (int attempt = 0; ; attempt++) {
            try {
                long started = System.nanoTime();
                SpendBatchResult result = commands.sendAndWait(command);
                batchDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                batchSize.record(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).outcome().complete(result.outcomes().get(i));
                }
                return;
            } catch (ConcurrencyException e) {
                // Another node appended to this team first: Axon evicted the cached team; decide again on the
                // reloaded state. Lines are idempotent by request id, so a retry never acts twice.
                if (attempt < concurrencyRetries) {
                    log.debug("Team {} changed on another node; retrying a batch of {}", teamId, batch.size());
                    continue;
                }
                fail(batch, e);
                return;
            } catch (RuntimeException e) {
                fail(batch, e);
                return;
            }
        }
    }

    private static void fail(List<Pending> batch, RuntimeException e) {
        log.error("A batch of {} spend lines failed", batch.size(), e);
        batch.forEach(p -> p.outcome().completeExceptionally(e));
    }

    private volatile boolean stopping;

    /**
     * Sends every line still waiting (lingering settlements included) and waits for their commits, then stops: after
     * a graceful stop no settlement is left to be charged at its estimate.
     */
    @PreDestroy
    void stop() throws InterruptedException {
        stopping = true;
        lingerTimer.shutdownNow();
        queues.values().forEach(queue -> {
            queue.lingering.set(false);
            if (!queue.lines.isEmpty()) {
                startDraining(queue);
            }
        });
        dispatchers.shutdown();
        if (!dispatchers.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("Spend lines still being committed after 10 s; stopping anyway");
        }
    }
}
