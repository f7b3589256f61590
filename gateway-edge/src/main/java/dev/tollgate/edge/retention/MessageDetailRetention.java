package dev.tollgate.edge.retention;

import dev.tollgate.edge.config.TollgateProperties;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static dev.tollgate.readmodel.Tables.RECALCULATION_LINES;
import static dev.tollgate.readmodel.Tables.RETENTION_HORIZON;
import static dev.tollgate.readmodel.Tables.SPEND_DAILY_TAG;
import static dev.tollgate.readmodel.Tables.SPEND_DAILY_USER;

/**
 * Retention of per-message detail ({@code tollgate.retention.message-detail-months}, docs/privacy.md): on a schedule,
 * per-message rows older than N months (from the start of that UTC day) are dropped, and so are the daily rollups by
 * user and by tag of those days. What stays of them is the daily rollup per team, model and provider: every amount,
 * no person and no tag. The reconciliation covers the period whose detail is kept (from the horizon recorded here).
 * <p>
 * The event store is not touched: it stays immutable. A replay of the projections rebuilds the dropped rows, and the
 * next sweep drops them again. Harmless on several nodes: dropping twice drops nothing more.
 */
@Component
public class MessageDetailRetention {

    private static final Logger log = LoggerFactory.getLogger(MessageDetailRetention.class);

    /** {@code tollgate.retention.sweep-interval}, read from the configuration tree. */
    private static final String INTERVAL = "#{@'" + TollgateProperties.BEAN + "'.retention().sweepInterval()}";

    /** What one sweep dropped. */
    public record Dropped(Instant before, int messages, int userDays, int tagDays, int recalculationLines) {
    }

    private final DSLContext dsl;
    private final TollgateProperties.Retention settings;

    public MessageDetailRetention(DSLContext dsl, TollgateProperties properties) {
        this.dsl = dsl;
        this.settings = properties.retention();
    }

    @Scheduled(fixedDelayString = INTERVAL, initialDelayString = INTERVAL)
    public void sweep() {
        if (settings.messageDetailMonths() == null) {
            return;
        }
        Dropped dropped = sweep(Clock.systemUTC(), settings.messageDetailMonths());
        if (dropped.messages() + dropped.userDays() + dropped.tagDays() > 0) {
            log.info("Retention: per-message detail before {} dropped into the daily team rollups ({} messages, {} "
                    + "user-days, {} tag-days)", dropped.before(), dropped.messages(), dropped.userDays(),
                    dropped.tagDays());
        }
    }

    /** Drops the detail older than {@code months} months as {@code clock} tells the time. */
    public Dropped sweep(Clock clock, int months) {
        if (months < 1) {
            throw new IllegalArgumentException("tollgate.retention.message-detail-months is at least 1");
        }
        LocalDate firstKept = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusMonths(months);
        return dropBefore(firstKept);
    }

    private Dropped dropBefore(LocalDate firstKept) {
        Instant before = firstKept.atStartOfDay(ZoneOffset.UTC).toInstant();
        return dsl.transactionResult(configuration -> {
            DSLContext dsl = DSL.using(configuration);
            // requests still in flight are never dropped: they end as the ledger says, then age like the rest
            int messages = dsl.deleteFrom(MESSAGE_COSTS).where(MESSAGE_COSTS.STARTED_AT.lt(before))
                    .and(MESSAGE_COSTS.OUTCOME.ne("reserved")).execute();
            int userDays = dsl.deleteFrom(SPEND_DAILY_USER).where(SPEND_DAILY_USER.DAY.lt(firstKept)).execute();
            int tagDays = dsl.deleteFrom(SPEND_DAILY_TAG).where(SPEND_DAILY_TAG.DAY.lt(firstKept)).execute();
            int lines = dsl.deleteFrom(RECALCULATION_LINES).where(RECALCULATION_LINES.STARTED_AT.lt(before))
                    .execute();
            dsl.insertInto(RETENTION_HORIZON)
                    .set(RETENTION_HORIZON.ID, (short) 1)
                    .set(RETENTION_HORIZON.DETAIL_DROPPED_BEFORE, before)
                    .set(RETENTION_HORIZON.UPDATED_AT, Instant.now())
                    .onConflict(RETENTION_HORIZON.ID).doUpdate()
                    .set(RETENTION_HORIZON.DETAIL_DROPPED_BEFORE, DSL.greatest(
                            RETENTION_HORIZON.DETAIL_DROPPED_BEFORE, DSL.val(before)))
                    .set(RETENTION_HORIZON.UPDATED_AT, Instant.now())
                    .execute();
            return new Dropped(before, messages, userDays, tagDays, lines);
        });
    }
}
