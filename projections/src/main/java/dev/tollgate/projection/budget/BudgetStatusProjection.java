package dev.tollgate.projection.budget;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.spend.CostAdjusted;
import dev.tollgate.api.spend.ReservationExpired;
import dev.tollgate.api.spend.ReservationReleased;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.topup.BudgetToppedUp;
import dev.tollgate.projection.support.BatchCoalescer;
import dev.tollgate.projection.support.TextArrayRows;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.Instant;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tollgate.projection.support.Columns.amount;
import static dev.tollgate.readmodel.Tables.BUDGET_STATUS;

/**
 * Live budgets: for each team and user account, the balance carried by its latest event.
 * <p>
 * The ledger's events carry the account's balance after them, so this projection copies, it never re-decides.
 * Each row remembers the sequence number of the team event that wrote it, and an older event never overwrites a
 * newer one: handling an event twice, or a batch's events in any order, gives the same table.
 */
@Component
@ProcessingGroup(BudgetStatusProjection.PROCESSING_GROUP)
public class BudgetStatusProjection {

    public static final String PROCESSING_GROUP = "budget-status";
    static final String TEAM = "team";
    static final String USER = "user";
    static final String KEY = "key";

    private final DSLContext dsl;
    private final BatchCoalescer<String, BalanceRow> balances;
    /** Numbers the moves in the order they are handled: a batch writes a member's rows in the order of their moves. */
    private final AtomicLong moves = new AtomicLong();

    public BudgetStatusProjection(DSLContext dsl) {
        this.dsl = dsl;
        this.balances = new BatchCoalescer<>(PROCESSING_GROUP, BalanceRow::latest, this::write);
    }

    /**
     * A balance to write; {@code followsTeamDefault == null} leaves that column as it is. A row of one team never
     * overwrites another team's, except a move's: a member's account opened in their new team. {@code move} numbers
     * that move among the moves this projection handled ({@link #NO_MOVE} for a row no move opened), so that a batch
     * holding a member's moves there and back again writes their rows in that order.
     */
    record BalanceRow(String type, String accountId, String teamId, AccountBalance balance, Boolean followsTeamDefault,
                      long sequence, Instant at, long move) {

        static final long NO_MOVE = -1;

        BalanceRow(String type, String accountId, String teamId, AccountBalance balance, Boolean followsTeamDefault,
                   long sequence, Instant at) {
            this(type, accountId, teamId, balance, followsTeamDefault, sequence, at, NO_MOVE);
        }

        boolean movedIn() {
            return move != NO_MOVE;
        }

        /**
         * The later of two rows of one account in one team, keeping what the earlier one said about the member default
         * and the move that opened the account (changed in the same batch, it still takes the member's row over).
         */
        static BalanceRow latest(BalanceRow a, BalanceRow b) {
            BalanceRow older = a.sequence() <= b.sequence() ? a : b;
            BalanceRow newer = older == a ? b : a;
            Boolean followsTeamDefault = newer.followsTeamDefault() != null ? newer.followsTeamDefault()
                    : older.followsTeamDefault();
            return new BalanceRow(newer.type(), newer.accountId(), newer.teamId(), newer.balance(), followsTeamDefault,
                    newer.sequence(), newer.at(), Math.max(older.move(), newer.move()));
        }
    }

    @EventHandler
    void on(TeamCreated event, @SequenceNumber long sequence) {
        balances.add(TEAM + "/" + event.teamId(), new BalanceRow(TEAM, event.teamId(), event.teamId(),
                event.teamBalance(), false, sequence, event.at()));
    }

    @EventHandler
    void on(TeamBudgetSet event, @SequenceNumber long sequence) {
        balances.add(TEAM + "/" + event.teamId(), new BalanceRow(TEAM, event.teamId(), event.teamId(),
                event.teamBalance(), false, sequence, event.at()));
        // Members without a budget of their own follow the member budget: same rule as the Team aggregate.
        balances.flush();
        Budget member = event.memberBudget();
        Instant newStart = member.period().startOf(event.at());
        // A member whose stored period has ended starts the new one from zero: spend of an ended period is not
        // carried (Account.rebased).
        var periodChanges = BUDGET_STATUS.BUDGET_PERIOD.ne(member.period().wireName());
        var ended = BUDGET_STATUS.PERIOD_END.le(event.at());
        dsl.update(BUDGET_STATUS)
                .set(BUDGET_STATUS.SPENT, org.jooq.impl.DSL.when(periodChanges.and(ended), BigDecimal.ZERO)
                        .otherwise(BUDGET_STATUS.SPENT))
                .set(BUDGET_STATUS.OVERRUN, org.jooq.impl.DSL.when(periodChanges.and(ended), BigDecimal.ZERO)
                        .otherwise(BUDGET_STATUS.OVERRUN))
                .set(BUDGET_STATUS.BUDGET_LIMIT, amount(member.limit()))
                .set(BUDGET_STATUS.PERIOD_START, org.jooq.impl.DSL.when(
                                BUDGET_STATUS.BUDGET_PERIOD.ne(member.period().wireName()), newStart)
                        .otherwise(BUDGET_STATUS.PERIOD_START))
                .set(BUDGET_STATUS.PERIOD_END, org.jooq.impl.DSL.when(
                                BUDGET_STATUS.BUDGET_PERIOD.ne(member.period().wireName()),
                                org.jooq.impl.DSL.val(member.period().endOf(newStart), BUDGET_STATUS.PERIOD_END))
                        .otherwise(BUDGET_STATUS.PERIOD_END))
                .set(BUDGET_STATUS.BUDGET_PERIOD, member.period().wireName())
                .set(BUDGET_STATUS.EVENT_SEQUENCE, sequence)
                .set(BUDGET_STATUS.UPDATED_AT, event.at())
                .where(BUDGET_STATUS.TEAM_ID.eq(event.teamId()))
                .and(BUDGET_STATUS.ACCOUNT_TYPE.eq(USER))
                .and(BUDGET_STATUS.FOLLOWS_TEAM_DEFAULT.isTrue())
                .and(BUDGET_STATUS.EVENT_SEQUENCE.lt(sequence))
                .execute();
    }

    @EventHandler
    void on(UserRegistered event, @SequenceNumber long sequence) {
        balances.add(USER + "/" + event.teamId() + "/" + event.userId(), new BalanceRow(USER, event.userId(),
                event.teamId(), event.userBalance(), event.budget() == null, sequence, event.at()));
    }

    @EventHandler
    void on(UserMovedIn event, @SequenceNumber long sequence) {
        balances.add(USER + "/" + event.teamId() + "/" + event.userId(), new BalanceRow(USER, event.userId(),
                event.teamId(), event.userBalance(), true, sequence, event.at(), moves.getAndIncrement()));
    }

    @EventHandler
    void on(UserBudgetSet event, @SequenceNumber long sequence) {
        balances.add(USER + "/" + event.teamId() + "/" + event.userId(), new BalanceRow(USER, event.userId(),
                event.teamId(), event.userBalance(), event.budget() == null, sequence, event.at()));
    }

    @EventHandler
    void on(BudgetToppedUp event, @SequenceNumber long sequence) {
        String type = event.userId() == null ? TEAM : USER;
        String account = event.userId() == null ? event.teamId() : event.userId();
        balances.add(type + "/" + account, new BalanceRow(type, account, event.teamId(), event.balance(), false,
                sequence, event.at()));
    }

    @EventHandler
    void on(KeyBudgetSet event, @SequenceNumber long sequence) {
        if (event.budget() == null) {
            balances.flush();
            dsl.deleteFrom(BUDGET_STATUS).where(BUDGET_STATUS.ACCOUNT_TYPE.eq(KEY))
                    .and(BUDGET_STATUS.ACCOUNT_ID.eq(event.keyId()))
                    .and(BUDGET_STATUS.TEAM_ID.eq(event.teamId())).execute();
        } else {
            balances.add(KEY + "/" + event.keyId(), new BalanceRow(KEY, event.keyId(), event.teamId(),
                    event.keyBalance(), false, sequence, event.at()));
        }
    }

    @EventHandler
    void on(SpendReserved event, @SequenceNumber long sequence) {
        spend(event.teamId(), event.userId(), event.keyId(), event.teamBalance(), event.userBalance(),
                event.keyBalance(), sequence, event.at());
    }

    @EventHandler
    void on(SpendSettled event, @SequenceNumber long sequence) {
        spend(event.teamId(), event.userId(), event.keyId(), event.teamBalance(), event.userBalance(),
                event.keyBalance(), sequence, event.at());
    }

    @EventHandler
    void on(ReservationReleased event, @SequenceNumber long sequence) {
        spend(event.teamId(), event.userId(), event.keyId(), event.teamBalance(), event.userBalance(),
                event.keyBalance(), sequence, event.at());
    }

    @EventHandler
    void on(CostAdjusted event, @SequenceNumber long sequence) {
        spend(event.teamId(), event.userId(), event.keyId(), event.teamBalance(), event.userBalance(),
                event.keyBalance(), sequence, event.at());
    }

    @EventHandler
    void on(ReservationExpired event, @SequenceNumber long sequence) {
        spend(event.teamId(), event.userId(), event.keyId(), event.teamBalance(), event.userBalance(),
                event.keyBalance(), sequence, event.at());
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(BUDGET_STATUS).execute();
    }

    private void spend(String teamId, String userId, String keyId, AccountBalance team, AccountBalance user,
                       AccountBalance key, long sequence, Instant at) {
        balances.add(TEAM + "/" + teamId, new BalanceRow(TEAM, teamId, teamId, team, null, sequence, at));
        if (userId != null && user != null) {
            balances.add(USER + "/" + teamId + "/" + userId,
                    new BalanceRow(USER, userId, teamId, user, null, sequence, at));
        }
        if (keyId != null && key != null) {
            balances.add(KEY + "/" + keyId, new BalanceRow(KEY, keyId, teamId, key, null, sequence, at));
        }
    }

    /**
     * Writes a batch's balances as one upsert per shape of row (whether it sets the member-default flag, whether it
     * is a move's), the rows' values as one text array per column ({@link TextArrayRows}). An account may appear
     * twice in one batch (a member who moved: once per team); PostgreSQL refuses an upsert that meets one row twice
     * ("ON CONFLICT DO UPDATE command cannot affect row a second time"), so the rows go in layers, each holding an
     * account at most once. A member's rows go in the order of their moves, the rows no move opened first (they
     * never take over another team's row): the last move decides the team, as it does event by event, also when a
     * member moved away and back in one batch.
     */
    private void write(Collection<BalanceRow> rows) {
        List<BalanceRow> inMoveOrder = new ArrayList<>(rows);
        inMoveOrder.sort(Comparator.comparingLong(BalanceRow::move));
        List<List<BalanceRow>> layers = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (BalanceRow row : inMoveOrder) {
            int layer = seen.merge(row.type() + "/" + row.accountId(), 1, Integer::sum) - 1;
            if (layer == layers.size()) {
                layers.add(new ArrayList<>());
            }
            layers.get(layer).add(row);
        }
        dsl.connection(connection -> {
            for (List<BalanceRow> layer : layers) {
                Map<Integer, List<BalanceRow>> byShape = new TreeMap<>();
                for (BalanceRow row : layer) {
                    byShape.computeIfAbsent(shape(row), shape -> new ArrayList<>()).add(row);
                }
                for (Map.Entry<Integer, List<BalanceRow>> entry : byShape.entrySet()) {
                    List<BalanceRow> shaped = entry.getValue();
                    try (PreparedStatement statement = connection.prepareStatement(UPSERTS[entry.getKey()])) {
                        TextArrayRows.bind(statement, 1, shaped, COLUMNS.size(),
                                BudgetStatusProjection::value);
                        statement.executeUpdate();
                    }
                }
            }
        });
    }

    /** Bit 0: the row leaves the member-default flag as it is; bit 1: a move's row. */
    private static int shape(BalanceRow row) {
        return (row.followsTeamDefault() == null ? 1 : 0) | (row.movedIn() ? 2 : 0);
    }

    private static final List<Field<?>> COLUMNS = List.of(BUDGET_STATUS.ACCOUNT_TYPE, BUDGET_STATUS.ACCOUNT_ID,
            BUDGET_STATUS.TEAM_ID, BUDGET_STATUS.BUDGET_LIMIT, BUDGET_STATUS.BUDGET_PERIOD,
            BUDGET_STATUS.FOLLOWS_TEAM_DEFAULT, BUDGET_STATUS.PERIOD_START, BUDGET_STATUS.PERIOD_END,
            BUDGET_STATUS.SPENT, BUDGET_STATUS.RESERVED, BUDGET_STATUS.OVERRUN, BUDGET_STATUS.EVENT_SEQUENCE,
            BUDGET_STATUS.UPDATED_AT);
    private static final String[] UPSERTS = {upsert(0), upsert(1), upsert(2), upsert(3)};

    private static String upsert(int shape) {
        boolean keepsDefault = (shape & 1) != 0;
        boolean movedIn = (shape & 2) != 0;
        StringJoiner updates = new StringJoiner(", ");
        for (Field<?> column : COLUMNS) {
            boolean key = column == BUDGET_STATUS.ACCOUNT_TYPE || column == BUDGET_STATUS.ACCOUNT_ID;
            boolean flag = column == BUDGET_STATUS.FOLLOWS_TEAM_DEFAULT;
            if (!key && (!flag || !keepsDefault)) {
                updates.add(column.getName() + " = EXCLUDED." + column.getName());
            }
        }
        // Sequence numbers are a team's: they order one team's rows. A member who moved has their new team's row.
        String newer = movedIn
                ? "b.team_id <> EXCLUDED.team_id OR b.event_sequence < EXCLUDED.event_sequence"
                : "b.team_id = EXCLUDED.team_id AND b.event_sequence < EXCLUDED.event_sequence";
        return TextArrayRows.insert("budget_status AS b", COLUMNS)
                + " ON CONFLICT (account_type, account_id) DO UPDATE SET " + updates + " WHERE " + newer;
    }

    /** The row's value of {@code COLUMNS.get(column)}, as the Java type of that column's field. */
    private static Object value(BalanceRow row, int column) {
        AccountBalance b = row.balance();
        return switch (column) {
            case 0 -> row.type();
            case 1 -> row.accountId();
            case 2 -> row.teamId();
            case 3 -> amount(b.limit());
            case 4 -> b.period().wireName();
            case 5 -> Boolean.TRUE.equals(row.followsTeamDefault());
            case 6 -> b.periodStart();
            case 7 -> b.periodEnd();
            case 8 -> amount(b.spent());
            case 9 -> amount(b.reserved());
            case 10 -> amount(b.overrun());
            case 11 -> row.sequence();
            case 12 -> row.at();
            default -> throw new IllegalArgumentException("column " + column);
        };
    }
}
