package dev.tollgate.projection.messagecost;

import dev.tollgate.api.spend.CostAdjusted;
import dev.tollgate.api.spend.ReservationExpired;
import dev.tollgate.api.spend.ReservationReleased;
import dev.tollgate.api.spend.SpendOverran;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.projection.support.BatchCoalescer;
import dev.tollgate.projection.support.Json;
import dev.tollgate.projection.support.RetentionHorizon;
import dev.tollgate.readmodel.tables.records.MessageCostsRecord;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.BatchBindStep;
import org.jooq.Query;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tollgate.projection.support.Columns.amount;
import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;

/**
 * One row per request in {@code message_costs}: who, what, tokens, cost, price version, outcome, latency.
 * <p>
 * A request's row is opened by its reservation (or rejection) and closed by its settlement, release or expiry.
 * Events arrive in order per request (see {@code RequestSequencingPolicy}); within a batch, the open and the close
 * of one request become a single insert.
 */
@Component
@ProcessingGroup(MessageCostProjection.PROCESSING_GROUP)
public class MessageCostProjection {

    public static final String PROCESSING_GROUP = "message-costs";

    private final DSLContext dsl;
    private final BatchCoalescer<String, CostRow> rows;

    public MessageCostProjection(DSLContext dsl) {
        this.dsl = dsl;
        this.rows = new BatchCoalescer<>(PROCESSING_GROUP, CostRow::merge, this::write);
    }

    /** Changed columns of one request's row; {@code opens}: it holds the columns an insert needs. */
    record CostRow(String requestId, MessageCostsRecord record, boolean opens, boolean closes) {

        static CostRow merge(CostRow earlier, CostRow later) {
            MessageCostsRecord merged = new MessageCostsRecord();
            for (Field<?> field : earlier.record().fields()) {
                if (earlier.record().changed(field)) {
                    copy(earlier.record(), merged, field);
                }
            }
            for (Field<?> field : later.record().fields()) {
                if (later.record().changed(field)) {
                    copy(later.record(), merged, field);
                }
            }
            return new CostRow(earlier.requestId(), merged, earlier.opens() || later.opens(),
                    earlier.closes() || later.closes());
        }

        @SuppressWarnings("unchecked")
        private static <T> void copy(MessageCostsRecord from, MessageCostsRecord to, Field<T> field) {
            to.set(field, from.get(field));
        }
    }

    @EventHandler
    void on(SpendReserved event) {
        MessageCostsRecord row = new MessageCostsRecord()
                .setRequestId(event.requestId())
                .setStartedAt(event.at())
                .setTeamId(event.teamId())
                .setUserId(event.userId())
                .setKeyId(event.keyId())
                .setModel(event.model())
                .setRequestedModel(event.model())
                .setOutcome("reserved")
                .setReserved(amount(event.amount()))
                .setCost(BigDecimal.ZERO)
                .setRequestedMaxTokens(event.requestedMaxTokens())
                .setGrantedMaxTokens(event.grantedMaxTokens())
                .setClamped(event.clamped())
                .setExpiresAt(event.expiresAt())
                .setTags(Json.of(event.tags()));
        rows.add(event.requestId(), new CostRow(event.requestId(), row, true, false));
    }

    @EventHandler
    void on(SpendRejected event) {
        MessageCostsRecord row = new MessageCostsRecord()
                .setRequestId(event.requestId())
                .setStartedAt(event.at())
                .setFinishedAt(event.at())
                .setTeamId(event.teamId())
                .setUserId(event.userId())
                .setKeyId(event.keyId())
                .setModel(event.model())
                .setRequestedModel(event.model())
                .setOutcome("rejected")
                .setReason(reason(event))
                .setReserved(BigDecimal.ZERO)
                .setCost(BigDecimal.ZERO)
                .setTags(Json.of(event.tags()));
        rows.add(event.requestId(), new CostRow(event.requestId(), row, true, true));
    }

    private static String reason(SpendRejected event) {
        return switch (event.limitingBudget()) {
            case "membership" -> "not a member of the team";
            case "member_limit" -> "a new user, and the team has its most members";
            default -> event.limitingBudget() + " budget exhausted";
        };
    }

    @EventHandler
    void on(SpendSettled event) {
        MessageCostsRecord row = new MessageCostsRecord()
                .setFinishedAt(event.at())
                .setModel(event.model())
                .setProvider(event.provider())
                .setDeployment(event.deployment())
                .setOutcome("settled")
                .setCost(amount(event.cost()))
                .setPromptTokens(event.usage().promptTokens())
                .setCompletionTokens(event.usage().completionTokens())
                .setCachedTokens(event.usage().cachedPromptTokens())
                .setReasoningTokens(event.usage().reasoningTokens())
                .setPriceVersion(event.priceVersion())
                .setLatencyMs(event.latencyMillis())
                .setAttempts(event.attempts() == 0 ? null : event.attempts())
                .setImages(event.usage().images() == 0 ? null : event.usage().images());
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, true));
    }

    /** A correction keeps the settled cost and records the cost in force beside it. */
    @EventHandler
    void on(CostAdjusted event) {
        MessageCostsRecord row = new MessageCostsRecord().setAdjustedCost(amount(event.newCost()));
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, false));
    }

    /** A settlement that cost more than its reservation: its excess, beside the cost it is part of. */
    @EventHandler
    void on(SpendOverran event) {
        MessageCostsRecord row = new MessageCostsRecord().setOverrun(amount(event.excess()));
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, false));
    }

    @EventHandler
    void on(ReservationReleased event) {
        MessageCostsRecord row = new MessageCostsRecord()
                .setFinishedAt(event.at())
                .setOutcome("released")
                .setReason(event.reason())
                .setCost(BigDecimal.ZERO);
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, true));
    }

    @EventHandler
    void on(ReservationExpired event) {
        MessageCostsRecord row = new MessageCostsRecord()
                .setFinishedAt(event.at())
                .setOutcome("expired")
                .setReason("never settled: charged at its estimate")
                .setCost(amount(event.chargedEstimate()))
                .setFlagged(event.flaggedForReview());
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, true));
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(MESSAGE_COSTS).execute();
    }

    /**
     * Writes a batch's rows with one prepared statement per shape of row (which columns it sets, insert or update),
     * each bound once per row: the SQL is rendered a handful of times per batch, not once per row.
     */
    private void write(Collection<CostRow> batch) {
        Map<Shape, List<CostRow>> byShape = new LinkedHashMap<>();
        for (CostRow row : batch) {
            byShape.computeIfAbsent(Shape.of(row), shape -> new ArrayList<>()).add(row);
        }
        byShape.forEach((shape, rows) -> {
            BatchBindStep statement = dsl.batch(shape.statement(dsl));
            for (CostRow row : rows) {
                statement.bind(shape.values(row));
            }
            statement.execute();
        });
        RetentionHorizon.keepMessages(dsl); // a replay does not bring back what the retention dropped
    }

    /**
     * The SQL a row needs: an update of the columns it changes (the row was opened by an earlier batch: events of
     * one request arrive in order), or an insert that does nothing on a repeat, or that, closing, overwrites.
     */
    private record Shape(Kind kind, List<Field<?>> fields) {

        enum Kind { UPDATE, INSERT_OR_NOTHING, INSERT_OR_OVERWRITE }

        static Shape of(CostRow row) {
            List<Field<?>> changed = new ArrayList<>();
            for (Field<?> field : MESSAGE_COSTS.fields()) {
                if (row.record().changed(field) && field != MESSAGE_COSTS.REQUEST_ID) {
                    changed.add(field);
                }
            }
            Kind kind = !row.opens() ? Kind.UPDATE : row.closes() ? Kind.INSERT_OR_OVERWRITE : Kind.INSERT_OR_NOTHING;
            return new Shape(kind, List.copyOf(changed));
        }

        Query statement(DSLContext dsl) {
            if (kind == Kind.UPDATE) {
                Map<Field<?>, Object> sets = new LinkedHashMap<>();
                fields.forEach(field -> sets.put(field, DSL.val(null, field)));
                return dsl.update(MESSAGE_COSTS).set(sets)
                        .where(MESSAGE_COSTS.REQUEST_ID.eq(DSL.val((String) null, MESSAGE_COSTS.REQUEST_ID)));
            }
            List<Field<?>> columns = new ArrayList<>();
            columns.add(MESSAGE_COSTS.REQUEST_ID);
            columns.addAll(fields);
            var insert = dsl.insertInto(MESSAGE_COSTS, columns)
                    .values(columns.stream().map(field -> (Field<?>) DSL.val(null, field)).toList());
            if (kind == Kind.INSERT_OR_NOTHING) {
                return insert.onConflictDoNothing();
            }
            Map<Field<?>, Object> overwrite = new LinkedHashMap<>();
            fields.forEach(field -> overwrite.put(field, DSL.excluded(field)));
            return insert.onConflict(MESSAGE_COSTS.REQUEST_ID).doUpdate().set(overwrite);
        }

        /** The bind values in the order of the statement's placeholders. */
        Object[] values(CostRow row) {
            List<Object> values = new ArrayList<>(fields.size() + 1);
            if (kind != Kind.UPDATE) {
                values.add(row.requestId());
            }
            fields.forEach(field -> values.add(row.record().get(field)));
            if (kind == Kind.UPDATE) {
                values.add(row.requestId());
            }
            return values.toArray();
        }
    }
}
