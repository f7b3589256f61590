package dev.tollgate.edge.config;

import dev.tollgate.api.spend.RequestEvent;
import org.axonframework.eventhandling.EventMessage;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Spend events committed by the statement that appends them: one round trip to PostgreSQL instead of two.
 * <p>
 * A team's batch of spend lines is a unit of work whose transaction does nothing but append the batch's events, and a
 * request waits for that commit before it is forwarded. In a transaction the append is one round trip (the driver
 * sends {@code BEGIN} with it) and the commit a second; at a paced rate each costs a wake-up of PostgreSQL and of the
 * dispatching thread on a busy core (docs/performance.md). Sent with the connection in auto-commit, the driver sends
 * the whole batch of inserts followed by one Sync, and PostgreSQL runs everything before a Sync as one implicit
 * transaction, committed (durably, as {@code synchronous_commit} says) before it answers: the same atomic, durable
 * append, in one round trip. Spring's commit that follows finds no transaction open and sends nothing.
 * <p>
 * Only when that changes nothing else:
 * <ul>
 *   <li>The transaction has not started: nothing was read or locked in it before (a team loaded from the store, a
 *   batch's cross-node lock), which must stay in the same transaction as the append.</li>
 *   <li>Every event is a {@link RequestEvent}: no handler writes rows for those in the command's transaction (the
 *   subscribing groups of {@code AxonConfiguration.ROWS_WRITTEN_WITH_THEIR_EVENT} handle keys, users and alerts;
 *   {@code AppendCommittedByItsStatementTest} checks it), so nothing is written after the append that would have to
 *   commit or fail with it.</li>
 *   <li>At most {@link #MAX_EVENTS} events: the PostgreSQL driver inserts a Sync of its own after about 255 statements
 *   of one batch (so that its receive buffer cannot fill), which outside a transaction would commit the batch's first
 *   part alone. The application's {@code reWriteBatchedInserts} makes a batch a few multi-row statements, far below
 *   that; the limit keeps the driver's plain batches safe too. The test pins both at this size.</li>
 *   <li>The connection is PostgreSQL's driver's, so that whether a transaction is open can be asked.</li>
 * </ul>
 * A batch larger, or any other unit of work, is appended and committed in its transaction as before.
 */
final class AppendCommittedByItsStatement {

    /** The most events appended outside a transaction: well below the driver's own Sync (about 255 statements). */
    static final int MAX_EVENTS = 128;

    private AppendCommittedByItsStatement() {
    }

    /**
     * Runs {@code append} on {@code connection} in auto-commit when the rules above allow it, and then sets the
     * connection back in its transaction (which has nothing left to commit).
     *
     * @param connection the unit of work's connection, the one {@code append} writes on
     * @return whether {@code append} was run; if not, the caller appends as usual
     */
    static boolean append(Connection connection, List<? extends EventMessage<?>> events, Runnable append)
            throws SQLException {
        if (events.isEmpty() || events.size() > MAX_EVENTS || !allAboutRequests(events)
                || connection.getAutoCommit() || !transactionNotStarted(connection)) {
            return false;
        }
        connection.setAutoCommit(true);
        try {
            append.run();
        } catch (RuntimeException | Error failed) {
            // the append's failure is the one to report, even if the connection is gone and cannot be set back
            try {
                connection.setAutoCommit(false);
            } catch (SQLException alsoFailed) {
                failed.addSuppressed(alsoFailed);
            }
            throw failed;
        }
        connection.setAutoCommit(false);
        return true;
    }

    private static boolean allAboutRequests(List<? extends EventMessage<?>> events) {
        for (EventMessage<?> event : events) {
            if (!RequestEvent.class.isAssignableFrom(event.getPayloadType())) {
                return false;
            }
        }
        return true;
    }

    private static boolean transactionNotStarted(Connection connection) throws SQLException {
        return connection.isWrapperFor(BaseConnection.class)
                && connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
    }
}
