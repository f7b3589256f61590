package dev.tollgate.projection.recalculation;

import dev.tollgate.api.recalculation.RecalculationApplied;
import dev.tollgate.api.recalculation.RecalculationApproved;
import dev.tollgate.api.recalculation.RecalculationCompleted;
import dev.tollgate.api.recalculation.RecalculationFailed;
import dev.tollgate.api.recalculation.RecalculationStarted;
import dev.tollgate.api.recalculation.RecalculationSuperseded;
import dev.tollgate.projection.directory.DirectoryProjection;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static dev.tollgate.projection.support.Columns.amount;

/** The {@code recalculations} table: each recalculation's status, range, totals and who approved it. */
@Component
@ProcessingGroup(DirectoryProjection.PROCESSING_GROUP)
public class RecalculationProjection {

    private final DSLContext dsl;

    public RecalculationProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(RecalculationStarted event) {
        dsl.execute("INSERT INTO recalculations (recalculation_id, status, range_from, range_to, reason, requested_by, "
                        + "requested_at) VALUES (?, 'running', ?::timestamptz, ?::timestamptz, ?, ?, ?::timestamptz) ON CONFLICT DO NOTHING",
                event.recalculationId(), odt(event.from()), odt(event.to()), event.reason(), event.actor(),
                odt(event.at()));
    }

    @EventHandler
    void on(RecalculationCompleted event) {
        dsl.execute("UPDATE recalculations SET status = 'ready', scanned = ?, changed = ?, old_total = ?, "
                        + "new_total = ?, completed_at = ?::timestamptz WHERE recalculation_id = ?", event.scanned(),
                event.changed(), amount(event.oldTotal()), amount(event.newTotal()), odt(event.at()),
                event.recalculationId());
    }

    @EventHandler
    void on(RecalculationFailed event) {
        dsl.execute("UPDATE recalculations SET status = 'failed', error = ?, completed_at = ?::timestamptz "
                + "WHERE recalculation_id = ?", event.error(), odt(event.at()), event.recalculationId());
    }

    @EventHandler
    void on(RecalculationApproved event) {
        dsl.execute("UPDATE recalculations SET status = 'approved', approved_by = ?, approved_at = ?::timestamptz, "
                        + "approval_reason = ? WHERE recalculation_id = ?", event.actor(), odt(event.at()),
                event.reason(), event.recalculationId());
    }

    @EventHandler
    void on(RecalculationApplied event) {
        dsl.execute("UPDATE recalculations SET status = 'applied', applied_at = ?::timestamptz, adjusted = ? "
                + "WHERE recalculation_id = ?", odt(event.at()), event.adjusted(), event.recalculationId());
    }

    @EventHandler
    void on(RecalculationSuperseded event) {
        dsl.execute("UPDATE recalculations SET status = 'superseded', superseded_by = ?, "
                        + "superseded_at = ?::timestamptz WHERE recalculation_id = ?", event.supersededBy(),
                odt(event.at()), event.recalculationId());
    }

    @ResetHandler
    void reset() {
        dsl.execute("DELETE FROM recalculations");
    }

    private static OffsetDateTime odt(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
