package dev.tollgate.edge.recalculation;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.recalculation.CompleteRecalculation;
import dev.tollgate.api.recalculation.FailRecalculation;
import dev.tollgate.api.recalculation.StartRecalculation;
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
import java.util.List;
import java.util.UUID;

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
 */
@Component
public class Recalculations {

    private static final Logger log = LoggerFactory.getLogger(Recalculations.class);
    /** Start the replay a minute early: the event store's timestamps are text, compared as text (see the ADR). */
    private static final Duration MARGIN = Duration.ofMinutes(1);

    private final CommandGateway commands;
    private final EventProcessingConfiguration processing;
    private final RecalculationReplay replay;
    private final PriceBookCache prices;
    private final RecalculationQueries queries;

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
        RecalculationRun running = replay.active();
        if (running != null && !running.finished().get()) {
            throw ApiError.conflict("Recalculation '" + running.recalculationId() + "' is still running; start "
                    + "another when it is ready.");
        }
        Instant end = to == null ? Instant.now() : to;
        String id = "recalc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        commands.sendAndWait(new StartRecalculation(id, from, end, reason, actor));
        prices.refresh(); // the corrected prices, whichever node published them
        long head = queries.eventStoreHead();
        RecalculationRun run = RecalculationRun.start(id, from, end, repricing(), head);
        StreamingEventProcessor processor = processor();
        processor.shutDown();
        replay.prepare(run);
        processor.resetTokens(source -> source.createTokenAt(from.minus(MARGIN)));
        processor.start();
        log.info("Recalculation {} started over [{}, {}) up to event {}", id, from, end, head);
        return id;
    }

    /** Costs with the version of the price book in force when each request started, as the book stands now. */
    private Repricing repricing() {
        return (model, startedAt, usage) -> prices.priceAt(model, startedAt)
                .map(price -> new Repricing.Repriced(price.cost(usage, usage.images()), price.version()))
                .orElse(null);
    }

    /** When the replay has passed the head it started from, the diff is complete: record its totals. */
    @Scheduled(fixedDelay = 200)
    public void finishWhenCaughtUp() {
        RecalculationRun run = replay.active();
        if (run == null || run.finished().get() || !caughtUp(run.headPosition())) {
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
