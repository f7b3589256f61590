package dev.tollgate.edge.config;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Axon's transactions as {@code delegate} starts them, each committed without waiting for PostgreSQL to flush it to
 * disk ({@code SET LOCAL synchronous_commit = off}: this transaction only, whatever the server's setting).
 * <p>
 * For the processors that keep the read model only (ADR 9). Their rows and their tracking token commit in one
 * transaction, and PostgreSQL loses an asynchronous commit (only in a crash of PostgreSQL or the machine, at most
 * a few hundred milliseconds of them) whole or not at all, never in part: a processor whose batch was lost reads its
 * events again from the event store, whose appends stay synchronous, and writes the same rows. What the ledger
 * decides never waits for these commits; before, each of them was one more flush to disk that a reservation's
 * commit could queue behind.
 */
final class AsynchronousCommitTransactionManager implements TransactionManager {

    private final TransactionManager delegate;
    private final DataSource dataSource;

    /**
     * @param delegate   starts the transactions, on connections of {@code dataSource}
     * @param dataSource where the started transaction's connection is bound (Spring's {@link DataSourceUtils})
     */
    AsynchronousCommitTransactionManager(TransactionManager delegate, DataSource dataSource) {
        this.delegate = delegate;
        this.dataSource = dataSource;
    }

    @Override
    public Transaction startTransaction() {
        Transaction transaction = delegate.startTransaction();
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL synchronous_commit = off");
        } catch (SQLException | RuntimeException failure) {
            transaction.rollback();
            throw new IllegalStateException("Could not start a read-model transaction", failure);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
        return transaction;
    }
}
