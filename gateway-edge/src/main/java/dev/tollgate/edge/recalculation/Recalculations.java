package dev.tollgate.edge.recalculation;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.recalculation.ApproveRecalculation;
import dev.tollgate.api.recalculation.CompleteRecalculation;
import dev.tollgate.api.recalculation.FailRecalculation;
import dev.tollgate.api.recalculation.StartRecalculation;
import dev.tollgate.api.recalculation.SupersedeRecalculation;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.pricing.PriceBookCache;
import dev.tollgate.projection.recalculation.RecalculationReplay;
import dev.tollgate.projection.recalculation.RecalculationRun;
import dev.tollgate.projection.recalculation.Repricing;
import dev.tollgate.query.recalculation.RecalculationQueries;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts recalculations and sees them through their replay: resets the {@code recalculation-replay} processing
 * group to the recalculation's start instant with the price book as it stands, watches it until it has passed the
 * event store's head as it was at the start, then records the diff's totals. One at a time per node.
 * <p>
 * The replay runs where this node owns the group's segments, which is every segment in the default single-node
 * deployment (see docs/adr/0005 for several nodes).
 * <p>
 * Between recalculations the group is stopped: it would otherwise read every event the ledger writes and do
 * nothing with it (its coordinator and work packages cost CPU per event). It runs from a recalculation's start until
 * its diff is complete.
 * <p>
 * It also decides, under one lock, what may happen next: a recalculation's lines compare with the costs charged
 * when it started, so once one is approved every other one running or ready is superseded (it can no longer be
 * approved), and none starts while an approved one is being applied (docs/ledger.md, "Cost corrections").
 */
@Component
public class Recalculations {

    private static final Logger log = LoggerFactory.getLogger(Recalculations.class);
    /** Start the replay a minute early: the event store's timestamps are text, compared as text (see the ADR). */
    private static final Duration MARGIN = Duration.ofMinutes(1);
    /**
     * How long after a recalculation starts the event store's head it must pass is read. A request settled with the
     * prices of before a correction, just before the correction reached this node's price book (at once) or another
     * node's (within a second), can be committed a little after the recalculation started: it must be in the diff.
     * Later settlements are priced with the corrected book (docs/ledger.md, "Cost corrections").
     */
    static final Duration LATE_SETTLEMENTS = Duration.ofSeconds(3);
    /** How many recalculations started here are remembered, to supersede them even before the read model has them. */
    private static final int STARTED_REMEMBERED = 16;

    private final CommandGateway commands;
    private final EventProcessingConfiguration processing;
    private final RecalculationReplay replay;
    private final PriceBookCache prices;
    private final RecalculationQueries queries;
    /** The last recalculations started on this node, newest last (guarded by {@code this}). */
    private final Deque<String> started = new ArrayDeque<>();
    /** Approved recalculations whose corrections this node is applying. */
    private final Set<String> applying = ConcurrentHashMap.newKeySet();

    public Recalculations(CommandGateway commands, EventProcessingConfiguration processing,
                          RecalculationReplay replay, PriceBookCache prices, RecalculationQueries queries) {
        this.commands = commands;
        this.processing = processing;
        this.replay = replay;
        this.prices = prices;
        this.queries = queries;
    }

    /** Starts re-costing the requests that started in [from, to); blocking. Answers the recalculation's id. */
    public synchronized String start(Instant from, Instant to, String reason, String actor) {
        requireStartable();
        Instant end = to == null ? Instant.now() : to;
        String id = "recalc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        commands.sendAndWait(new StartRecalculation(id, from, end, reason, actor));
        started.addLast(id);
        if (started.size() > STARTED_REMEMBERED) {
            started.removeFirst();
        }
        prices.refresh(); // the corrected prices, whichever node published them
        RecalculationRun run = RecalculationRun.start(id, from, end, repricing(), Instant.now().plus(LATE_SETTLEMENTS));
        StreamingEventProcessor processor = processor();
        processor.shutDown();
        replay.prepare(run);
        processor.resetTokens(source -> source.createTokenAt(from.minus(MARGIN)));
        processor.start();
        log.info("Recalculation {} started over [{}, {})", id, from, end);
        return id;
    }

    /**
     * Refuses ({@code 409}) while a recalculation runs, or while an approved one is being applied: its lines would
     * compare with costs that are being corrected, some before its start and some after.
     */
    public synchronized void requireStartable() {
        RecalculationRun running = replay.active();
        if (running != null && !running.finished().get()) {
            throw ApiError.conflict("Recalculation '" + running.recalculationId() + "' is still running; start "
                    + "another when it is ready.");
        }
        String beingApplied = applying.stream().findFirst()
                .orElseGet(() -> queries.idsWithStatus("approved").stream().findFirst().orElse(null));
        if (beingApplied != null) {
            throw ApiError.conflict("Recalculation '" + beingApplied + "' was approved and its corrections are "
                    + "being applied; start a recalculation when it is applied, so that it compares with the "
                    + "corrected costs.");
        }
    }

    /**
     * Records the approval of {@code id} (its aggregate refuses it unless its diff is ready and it was not
     * superseded), then supersedes every other recalculation running or ready: theirs were computed against the
     * costs this approval corrects. Under the lock {@link #start} takes, so none starts in between; the caller then
     * applies the approval and says when it is {@link #applied}.
     */
    public synchronized void approve(String id, String actor, String reason) {
        commands.sendAndWait(new ApproveRecalculation(id, actor, reason));
        applying.add(id);
        supersedeOthers(id, actor);
    }

    /** An approval interrupted by a stop is applied again: it supersedes the others again first (once is enough). */
    public synchronized void resume(String id, String actor) {
        applying.add(id);
        supersedeOthers(id, actor);
    }

    /** Every correction of the approved {@code id} is recorded: recalculations may start again. */
    public void applied(String id) {
        applying.remove(id);
    }

    private void supersedeOthers(String approved, String actor) {
        Set<String> others = new LinkedHashSet<>(started);
        others.addAll(queries.idsWithStatus("running"));
        others.addAll(queries.idsWithStatus("ready"));
        others.remove(approved);
        for (String other : others) {
            try {
                // an approved, applied, failed or superseded one is left as it is
                commands.sendAndWait(new SupersedeRecalculation(other, approved, actor));
            } catch (RuntimeException e) {
                // its teams still refuse its lines (Team: computed before this approval's corrections)
                log.error("Recalculation {} could not be marked superseded by {}", other, approved, e);
            }
            RecalculationRun run = replay.active();
            if (run != null && run.recalculationId().equals(other) && !run.finished().get()) {
                run.finished().set(true);
                stopWhileIdle(run);
                log.info("Recalculation {} was superseded by the approval of {} while running: its replay stopped",
                        other, approved);
            }
        }
    }

    /** Costs with the version of the price book in force when each request started, as the book stands now. */
    private Repricing repricing() {
        return (model, startedAt, usage) -> prices.priceAt(model, startedAt)
                .map(price -> new Repricing.Repriced(price.cost(usage, usage.images()), price.version()))
                .orElse(null);
    }

    /**
     * When the replay has passed the event store's head as it was {@link #LATE_SETTLEMENTS} after the start, the diff
     * is complete: record its totals.
     */
    @Scheduled(fixedDelay = 200)
    public void finishWhenCaughtUp() {
        RecalculationRun run = replay.active();
        if (run == null || run.finished().get()) {
            return;
        }
        long head = run.headPosition().get();
        if (head == RecalculationRun.HEAD_NOT_READ) {
            if (Instant.now().isBefore(run.headReadAt())) {
                return;
            }
            head = queries.eventStoreHead();
            run.headPosition().set(head);
            log.info("Recalculation {} replays up to event {}", run.recalculationId(), head);
        }
        if (!caughtUp(head)) {
            return;
        }
        run.finished().set(true);
        stopWhileIdle(run);
        try {
            RecalculationQueries.LineTotals totals = queries.lineTotals(run.recalculationId());
            commands.sendAndWait(new CompleteRecalculation(run.recalculationId(), run.scanned().get(),
                    totals.lines(), Money.of(totals.oldTotal()), Money.of(totals.newTotal())));
            log.info("Recalculation {} ready: {} requests re-costed, {} changed, {} without a price",
                    run.recalculationId(), run.scanned().get(), totals.lines(), run.unpriced().get());
        } catch (RuntimeException e) {
            log.error("Recalculation {} could not be completed", run.recalculationId(), e);
            commands.send(new FailRecalculation(run.recalculationId(), e.getMessage()));
        }
    }

    /** Every segment's committed token past {@code head}: the lines up to there are committed with it. */
    private boolean caughtUp(long head) {
        List<Long> positions = queries.committedPositions(RecalculationReplay.PROCESSING_GROUP);
        return !positions.isEmpty() && positions.stream().allMatch(position -> position != null && position >= head);
    }

    /** Stops the replay once {@code run} has finished, unless another recalculation has started since. */
    private synchronized void stopWhileIdle(RecalculationRun run) {
        RecalculationRun active = replay.active();
        if (active == null || (active == run && run.finished().get())) {
            processor().shutDown();
        }
    }

    /** No recalculation runs when the application starts (an interrupted one is failed below): nothing to replay. */
    @EventListener(ApplicationReadyEvent.class)
    public void stopReplayWhileIdle() {
        stopWhileIdle(null);
    }

    /** A recalculation still "running" when the application starts lost its replay: say so, so it can be redone. */
    @EventListener(ApplicationReadyEvent.class)
    public void failInterrupted() {
        for (String id : queries.idsWithStatus("running")) {
            RecalculationRun run = replay.active();
            if (run == null || !run.recalculationId().equals(id)) {
                commands.send(new FailRecalculation(id, "the application stopped during its replay; start it again"));
            }
        }
    }

    private StreamingEventProcessor processor() {
        return processing.eventProcessor(RecalculationReplay.PROCESSING_GROUP, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no recalculation-replay processor"));
    }
}
