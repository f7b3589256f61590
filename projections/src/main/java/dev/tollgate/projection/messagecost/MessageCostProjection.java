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
import dev.tollgate.projection.support.StoredTags;
import dev.tollgate.projection.support.TextArrayRows;
import dev.tollgate.readmodel.tables.records.MessageCostsRecord;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * A {@code message_costs} record's fields, in the order of their indexes: jOOQ finds a record's field by searching
     * its fields, so rows are read by index (changed, get) where a batch goes over all of them.
     */
    private static final Field<?>[] FIELDS = MESSAGE_COSTS.fields();

    /** Changed columns of one request's row; {@code opens}: it holds the columns an insert needs. */
    record CostRow(String requestId, MessageCostsRecord record, boolean opens, boolean closes) {

        static CostRow merge(CostRow earlier, CostRow later) {
            MessageCostsRecord merged = new MessageCostsRecord();
            merged.attach(earlier.record().configuration()); // see row()
            copyChanged(earlier.record(), merged);
            copyChanged(later.record(), merged);
            return new CostRow(earlier.requestId(), merged, earlier.opens() || later.opens(),
                    earlier.closes() || later.closes());
        }

        private static void copyChanged(MessageCostsRecord from, MessageCostsRecord to) {
            for (int i = 0; i < FIELDS.length; i++) {
                if (from.changed(i)) {
                    copy(from, to, FIELDS[i], i);
                }
            }
        }

        @SuppressWarnings("unchecked")
        private static <T> void copy(MessageCostsRecord from, MessageCostsRecord to, Field<T> field, int index) {
            to.set(field, (T) from.get(index));
        }
    }

    @EventHandler
    void on(SpendReserved event) {
        MessageCostsRecord row = row()
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
                .setTags(Json.of(StoredTags.of(event.tags())));
        rows.add(event.requestId(), new CostRow(event.requestId(), row, true, false));
    }

    @EventHandler
    void on(SpendRejected event) {
        MessageCostsRecord row = row()
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
                .setTags(Json.of(StoredTags.of(event.tags())));
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
        MessageCostsRecord row = row()
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
        MessageCostsRecord row = row().setAdjustedCost(amount(event.newCost()));
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, false));
    }

    /** A settlement that cost more than its reservation: its excess, beside the cost it is part of. */
    @EventHandler
    void on(SpendOverran event) {
        MessageCostsRecord row = row().setOverrun(amount(event.excess()));
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, false));
    }

    @EventHandler
    void on(ReservationReleased event) {
        MessageCostsRecord row = row()
                .setFinishedAt(event.at())
                .setOutcome("released")
                .setReason(event.reason())
                .setCost(BigDecimal.ZERO);
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, true));
    }

    @EventHandler
    void on(ReservationExpired event) {
        MessageCostsRecord row = row()
                .setFinishedAt(event.at())
                .setOutcome("expired")
                .setReason("never settled: charged at its estimate")
                .setCost(amount(event.chargedEstimate()))
                .setFlagged(event.flaggedForReview());
        rows.add(event.requestId(), new CostRow(event.requestId(), row, false, true));
    }

    /**
     * A new, empty row, attached to the DSL's configuration: jOOQ looks up its settings when a primary key is set,
     * and for a detached record it builds a default configuration (copying all its settings) each time.
     */
    private MessageCostsRecord row() {
        return dsl.newRecord(MESSAGE_COSTS);
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(MESSAGE_COSTS).execute();
    }

    /**
     * Writes a batch's rows with one statement per shape of row (which columns it sets, insert or update): the
     * rows' values go as one array per column ({@link TextArrayRows}), so a batch of any size is a handful of
     * statements, each with a text that does not depend on the number of rows (the driver prepares it once per
     * connection). Rows are unique per request within a batch (merged), so an upsert never meets its own row twice.
     */
    private void write(Collection<CostRow> batch) {
        Map<Shape, List<CostRow>> byShape = new LinkedHashMap<>();
        for (CostRow row : batch) {
            byShape.computeIfAbsent(Shape.of(row), shape -> new ArrayList<>()).add(row);
        }
        dsl.connection(connection -> {
            for (Map.Entry<Shape, List<CostRow>> entry : byShape.entrySet()) {
                Shape shape = entry.getKey();
                int[] fields = shape.fieldIndexes();
                try (PreparedStatement statement = connection.prepareStatement(SQL.computeIfAbsent(shape,
                        Shape::sql))) {
                    TextArrayRows.bind(statement, 1, entry.getValue(), fields.length + 1,
                            (row, column) -> column == 0 ? row.requestId() : row.record().get(fields[column - 1]));
                    statement.executeUpdate();
                }
            }
        });
        RetentionHorizon.keepMessages(dsl); // a replay does not bring back what the retention dropped
    }

    private static final Map<Shape, String> SQL = new ConcurrentHashMap<>();

    /**
     * The SQL a row needs: an update of the columns it changes (the row was opened by an earlier batch: events of
     * one request arrive in order), or an insert that does nothing on a repeat, or that, closing, overwrites.
     */
    private record Shape(Kind kind, List<Field<?>> fields) {

        enum Kind { UPDATE, INSERT_OR_NOTHING, INSERT_OR_OVERWRITE }

        private static final int REQUEST_ID = MESSAGE_COSTS.indexOf(MESSAGE_COSTS.REQUEST_ID);

        static Shape of(CostRow row) {
            List<Field<?>> changed = new ArrayList<>();
            for (int i = 0; i < FIELDS.length; i++) {
                if (i != REQUEST_ID && row.record().changed(i)) {
                    changed.add(FIELDS[i]);
                }
            }
            Kind kind = !row.opens() ? Kind.UPDATE : row.closes() ? Kind.INSERT_OR_OVERWRITE : Kind.INSERT_OR_NOTHING;
            return new Shape(kind, List.copyOf(changed));
        }

        /** Where the fields are in a {@code message_costs} record, in the order of the columns after the first. */
        int[] fieldIndexes() {
            return fields.stream().mapToInt(MESSAGE_COSTS::indexOf).toArray();
        }

        /** The statement's columns, in the order of its array parameters: {@code request_id}, then the fields. */
        List<Field<?>> columns() {
            List<Field<?>> columns = new ArrayList<>(fields.size() + 1);
            columns.add(MESSAGE_COSTS.REQUEST_ID);
            columns.addAll(fields);
            return columns;
        }

        String sql() {
            if (kind == Kind.UPDATE) {
                StringJoiner sets = new StringJoiner(", ");
                fields.forEach(field -> sets.add(field.getName() + " = " + TextArrayRows.typed(field)));
                return "UPDATE message_costs AS m SET " + sets + " FROM " + TextArrayRows.from(columns())
                        + " WHERE m.request_id = v.request_id";
            }
            String insert = TextArrayRows.insert("message_costs", columns());
            if (kind == Kind.INSERT_OR_NOTHING) {
                return insert + " ON CONFLICT (request_id) DO NOTHING";
            }
            StringJoiner overwrite = new StringJoiner(", ");
            fields.forEach(field -> overwrite.add(field.getName() + " = EXCLUDED." + field.getName()));
            return insert + " ON CONFLICT (request_id) DO UPDATE SET " + overwrite;
        }
    }
}
