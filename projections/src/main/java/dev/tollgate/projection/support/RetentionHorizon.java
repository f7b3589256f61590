package dev.tollgate.projection.support;

import org.jooq.DSLContext;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The retention horizon (docs/privacy.md, "Retention"): per-message detail before it was dropped into the daily team
 * rollups. The projections that hold such detail drop what a replay wrote before it at the end of each batch, so a
 * rebuilt read model keeps the retention as the sweep left it.
 */
public final class RetentionHorizon {

    private RetentionHorizon() {
    }

    /** The instant before which detail was dropped, or {@code null} when none was. */
    public static Instant of(DSLContext dsl) {
        return dsl.resultQuery("SELECT detail_dropped_before FROM retention_horizon WHERE id = 1")
                .fetchOptional(0, Instant.class).orElse(null);
    }

    /** Drops the per-message rows before the horizon (requests in flight stay). */
    public static void keepMessages(DSLContext dsl) {
        Instant horizon = of(dsl);
        if (horizon != null) {
            dsl.execute("DELETE FROM message_costs WHERE started_at < ?::timestamptz AND outcome <> 'reserved'",
                    horizon.toString());
        }
    }

    /** Drops the daily rollups by user and by tag of the days before the horizon. */
    public static void keepRollups(DSLContext dsl) {
        Instant horizon = of(dsl);
        if (horizon != null) {
            LocalDate firstKept = LocalDate.ofInstant(horizon, ZoneOffset.UTC);
            dsl.execute("DELETE FROM spend_daily_user WHERE day < ?::date", firstKept.toString());
            dsl.execute("DELETE FROM spend_daily_tag WHERE day < ?::date", firstKept.toString());
        }
    }
}
