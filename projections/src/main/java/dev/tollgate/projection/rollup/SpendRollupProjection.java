package dev.tollgate.projection.rollup;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.CostAdjusted;
import dev.tollgate.api.spend.ReservationExpired;
import dev.tollgate.api.spend.SpendOverran;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.projection.support.BatchCoalescer;
import dev.tollgate.projection.support.RetentionHorizon;
import dev.tollgate.projection.support.StoredTags;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static dev.tollgate.projection.support.Columns.amount;

/**
 * Daily spend per team, per user and per tag, for reports that read a year in well under a second.
 * <p>
 * A charged request (settled, or expired at its estimate) adds to the day it started on, and a settlement's excess
 * over its reservation adds to that day's {@code overrun} (a part of {@code cost}, shown apart); an approved
 * correction adds its difference to {@code adjustments} of that same day, so a report of a past month shows both
 * what was charged then and what was corrected since. Within a batch the additions to one row are summed first, then each
 * row gets one upsert: a hot team's thousand settlements a second become a handful of statements. Sums are exact:
 * they are applied in the same transaction as the processor's token, so an event counts exactly once, and a replay
 * starts from empty tables.
 */
@Component
@ProcessingGroup(SpendRollupProjection.PROCESSING_GROUP)
public class SpendRollupProjection {

    public static final String PROCESSING_GROUP = "spend-rollups";
    /** Stands for "none" in a key column: rollup keys are primary keys and cannot hold NULL. */
    static final String NONE = "";

    enum Rollup {
        TEAM("spend_daily_team", "day, team_id, model, provider"),
        USER("spend_daily_user", "day, team_id, user_id, model, provider"),
        TAG("spend_daily_tag", "day, team_id, tag_key, tag_value, model, provider");

        final String table;
        final String keyColumns;

        Rollup(String table, String keyColumns) {
            this.table = table;
            this.keyColumns = keyColumns;
        }

        String upsert() {
            int keys = keyColumns.split(",").length;
            return "INSERT INTO " + table + " (" + keyColumns + ", requests, prompt_tokens, completion_tokens, cost, "
                    + "adjustments, overrun) VALUES (" + "?, ".repeat(keys) + "?, ?, ?, ?, ?, ?) ON CONFLICT ("
                    + keyColumns + ") DO UPDATE SET requests = " + table + ".requests + EXCLUDED.requests, "
                    + "prompt_tokens = " + table + ".prompt_tokens + EXCLUDED.prompt_tokens, completion_tokens = "
                    + table + ".completion_tokens + EXCLUDED.completion_tokens, cost = " + table
                    + ".cost + EXCLUDED.cost, adjustments = " + table + ".adjustments + EXCLUDED.adjustments, "
                    + "overrun = " + table + ".overrun + EXCLUDED.overrun";
        }
    }

    /** One rollup row's key; the columns a rollup does not have are {@link #NONE}. */
    record Key(Rollup rollup, LocalDate day, String teamId, String userId, String tagKey, String tagValue,
               String model, String provider) {

        Object[] values() {
            return switch (rollup) {
                case TEAM -> new Object[]{day, teamId, model, provider};
                case USER -> new Object[]{day, teamId, userId, model, provider};
                case TAG -> new Object[]{day, teamId, tagKey, tagValue, model, provider};
            };
        }
    }

    /** What a batch adds to one row. */
    record Addition(Key key, long requests, long promptTokens, long completionTokens, long costNanos,
                    long adjustmentNanos, long overrunNanos) {

        Addition plus(Addition other) {
            return new Addition(key, requests + other.requests, promptTokens + other.promptTokens,
                    completionTokens + other.completionTokens, Math.addExact(costNanos, other.costNanos),
                    Math.addExact(adjustmentNanos, other.adjustmentNanos),
                    Math.addExact(overrunNanos, other.overrunNanos));
        }
    }

    private final DSLContext dsl;
    private final BatchCoalescer<Key, Addition> additions;

    public SpendRollupProjection(DSLContext dsl) {
        this.dsl = dsl;
        this.additions = new BatchCoalescer<>(PROCESSING_GROUP, Addition::plus, this::write);
    }

    @EventHandler
    void on(SpendSettled event) {
        add(event.reservedAt(), event.teamId(), event.userId(), event.model(), event.provider(), event.tags(), 1,
                event.usage().promptTokens(), event.usage().completionTokens(), event.cost(), Money.ZERO, Money.ZERO);
    }

    /** The excess of a settlement over its reservation, on the settlement's row: part of its cost, shown apart. */
    @EventHandler
    void on(SpendOverran event) {
        add(event.reservedAt(), event.teamId(), event.userId(), event.model(), event.provider(), event.tags(), 0, 0,
                0, Money.ZERO, Money.ZERO, event.excess());
    }

    @EventHandler
    void on(ReservationExpired event) {
        add(event.reservedAt(), event.teamId(), event.userId(), event.model(), null, event.tags(), 1, 0, 0,
                event.chargedEstimate(), Money.ZERO, Money.ZERO);
    }

    @EventHandler
    void on(CostAdjusted event) {
        add(event.reservedAt(), event.teamId(), event.userId(), event.model(), event.provider(), event.tags(), 0, 0,
                0, Money.ZERO, event.difference(), Money.ZERO);
    }

    @ResetHandler
    void reset() {
        for (Rollup rollup : Rollup.values()) {
            dsl.execute("TRUNCATE " + rollup.table);
        }
    }

    /** The UTC day a request belongs to: the day it started, like its budget period. */
    static LocalDate dayOf(Instant startedAt) {
        return LocalDate.ofInstant(startedAt, ZoneOffset.UTC);
    }

    private void add(Instant startedAt, String teamId, String userId, String model, String provider,
                     Map<String, String> tags, long requests, long promptTokens, long completionTokens, Money cost,
                     Money adjustment, Money overrun) {
        LocalDate day = dayOf(startedAt);
        String modelKey = orNone(model);
        String providerKey = orNone(provider);
        List<Key> keys = new ArrayList<>(2 + tags.size());
        keys.add(new Key(Rollup.TEAM, day, teamId, NONE, NONE, NONE, modelKey, providerKey));
        keys.add(new Key(Rollup.USER, day, teamId, orNone(userId), NONE, NONE, modelKey, providerKey));
        StoredTags.of(tags).forEach((tagKey, value) ->
                keys.add(new Key(Rollup.TAG, day, teamId, NONE, tagKey, value, modelKey, providerKey)));
        for (Key key : keys) {
            additions.add(key, new Addition(key, requests, promptTokens, completionTokens, cost.nanos(),
                    adjustment.nanos(), overrun.nanos()));
        }
    }

    private void write(Collection<Addition> batch) {
        Map<Rollup, BatchBindStep> statements = new EnumMap<>(Rollup.class);
        for (Addition addition : batch) {
            Object[] key = addition.key().values();
            Object[] values = new Object[key.length + 6];
            System.arraycopy(key, 0, values, 0, key.length);
            values[key.length] = addition.requests();
            values[key.length + 1] = addition.promptTokens();
            values[key.length + 2] = addition.completionTokens();
            values[key.length + 3] = amount(Money.ofNanos(addition.costNanos()));
            values[key.length + 4] = amount(Money.ofNanos(addition.adjustmentNanos()));
            values[key.length + 5] = amount(Money.ofNanos(addition.overrunNanos()));
            statements.computeIfAbsent(addition.key().rollup(), rollup -> dsl.batch(rollup.upsert())).bind(values);
        }
        statements.values().forEach(BatchBindStep::execute);
        RetentionHorizon.keepRollups(dsl); // a replay does not bring back people and tags the retention dropped
    }

    private static String orNone(String value) {
        return value == null ? NONE : value;
    }
}
