package dev.tollgate.projection.recalculation;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.CostAdjusted;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.projection.support.BatchCoalescer;
import dev.tollgate.projection.support.Json;
import dev.tollgate.projection.support.StoredTags;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;

import static dev.tollgate.projection.support.Columns.amount;

/**
 * The re-costing of settled requests: a processing group of its own, replayed from a recalculation's start
 * instant (see docs/adr/0005). For each request that started in the range it prices the recorded usage with the
 * price book as it stands and writes a diff line where the cost differs. It changes no budget and no other read
 * table: approval does that, through the ledger.
 * <p>
 * Between recalculations it follows the event stream and does nothing. A request corrected by an earlier
 * recalculation is compared at its corrected cost (its {@link CostAdjusted} comes later in the stream and updates
 * the line).
 */
@Component
@ProcessingGroup(RecalculationReplay.PROCESSING_GROUP)
public class RecalculationReplay {

    public static final String PROCESSING_GROUP = "recalculation-replay";

    private final DSLContext dsl;
    private final BatchCoalescer<String, Line> lines;
    private final BatchCoalescer<String, RecalculationRun> progress;
    private volatile RecalculationRun pending;
    private volatile RecalculationRun active;

    public RecalculationReplay(DSLContext dsl) {
        this.dsl = dsl;
        this.lines = new BatchCoalescer<>(PROCESSING_GROUP + ".lines", (earlier, later) -> later, this::write);
        this.progress = new BatchCoalescer<>(PROCESSING_GROUP + ".progress", (earlier, later) -> later,
                this::writeProgress);
    }

    /** A request's line: what it is charged and what it would cost; equal costs mean no line. */
    record Line(String recalculationId, String requestId, String teamId, String userId, String keyId, String model,
                String provider, Instant startedAt, Usage usage, Map<String, String> tags, Money charged,
                Money repriced, String priceVersion) {

        boolean differs() {
            return !charged.equals(repriced);
        }
    }

    /** The recalculation being replayed, or {@code null}. */
    public RecalculationRun active() {
        return active;
    }

    /**
     * The recalculation the next reset of this group starts. (Not passed as the reset's context: Axon stores that
     * in the token, and the price book in it is no data to store.)
     */
    public void prepare(RecalculationRun run) {
        pending = run;
    }

    @ResetHandler
    void start() {
        RecalculationRun run = pending;
        pending = null;
        active = run;
        if (run == null) {
            return; // a reset of every projection: nothing to re-cost
        }
        dsl.deleteFrom(org.jooq.impl.DSL.table("recalculation_lines"))
                .where(org.jooq.impl.DSL.field("recalculation_id").eq(run.recalculationId())).execute();
        Long total = dsl.resultQuery("SELECT count(*) FROM message_costs WHERE outcome = 'settled' "
                + "AND started_at >= ?::timestamptz AND started_at < ?::timestamptz", odt(run.from()), odt(run.to())).fetchOne(0, Long.class);
        dsl.execute("INSERT INTO recalculation_progress (recalculation_id, scanned, total, updated_at) "
                + "VALUES (?, 0, ?, now()) ON CONFLICT (recalculation_id) DO UPDATE SET scanned = 0, "
                + "total = EXCLUDED.total, updated_at = now()", run.recalculationId(), total);
    }

    @EventHandler
    void on(SpendSettled event) {
        RecalculationRun run = active;
        if (run == null || !run.covers(event.reservedAt())) {
            return;
        }
        run.scanned().incrementAndGet();
        progress.add(run.recalculationId(), run);
        Repricing.Repriced repriced = run.repricing().reprice(event.model(), event.reservedAt(), event.usage());
        if (repriced == null) {
            run.unpriced().incrementAndGet();
            return;
        }
        Line line = new Line(run.recalculationId(), event.requestId(), event.teamId(), event.userId(), event.keyId(),
                event.model(), event.provider(), event.reservedAt(), event.usage(), event.tags(), event.cost(),
                repriced.cost(), repriced.priceVersion());
        if (line.differs()) {
            lines.add(event.requestId(), line);
        }
    }

    @EventHandler
    void on(CostAdjusted event) {
        RecalculationRun run = active;
        if (run == null || !run.covers(event.reservedAt())) {
            return;
        }
        Repricing.Repriced repriced = run.repricing().reprice(event.model(), event.reservedAt(), event.usage());
        if (repriced == null) {
            return;
        }
        lines.add(event.requestId(), new Line(run.recalculationId(), event.requestId(), event.teamId(),
                event.userId(), event.keyId(), event.model(), event.provider(), event.reservedAt(), event.usage(),
                event.tags(), event.newCost(), repriced.cost(), repriced.priceVersion()));
    }

    private void write(Collection<Line> batch) {
        BatchBindStep upserts = dsl.batch("INSERT INTO recalculation_lines (recalculation_id, request_id, team_id, "
                + "user_id, key_id, model, provider, started_at, usage, tags, old_cost, new_cost, price_version) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::jsonb, ?::jsonb, ?, ?, ?) ON CONFLICT (recalculation_id, "
                + "request_id) DO UPDATE SET old_cost = EXCLUDED.old_cost, new_cost = EXCLUDED.new_cost, "
                + "price_version = EXCLUDED.price_version");
        BatchBindStep deletes = dsl.batch("DELETE FROM recalculation_lines WHERE recalculation_id = ? "
                + "AND request_id = ?");
        int upserted = 0;
        int deleted = 0;
        for (Line line : batch) {
            if (line.differs()) {
                upserts.bind(line.recalculationId(), line.requestId(), line.teamId(), line.userId(), line.keyId(),
                        line.model(), line.provider(), odt(line.startedAt()), Json.of(line.usage()).data(),
                        Json.of(StoredTags.of(line.tags())).data(), amount(line.charged()), amount(line.repriced()),
                        line.priceVersion());
                upserted++;
            } else {
                deletes.bind(line.recalculationId(), line.requestId());
                deleted++;
            }
        }
        if (upserted > 0) {
            upserts.execute();
        }
        if (deleted > 0) {
            deletes.execute();
        }
    }

    private void writeProgress(Collection<RecalculationRun> runs) {
        for (RecalculationRun run : runs) {
            dsl.execute("UPDATE recalculation_progress SET scanned = ?, updated_at = now() "
                    + "WHERE recalculation_id = ?", run.scanned().get(), run.recalculationId());
        }
    }

    private static OffsetDateTime odt(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
