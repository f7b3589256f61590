package dev.tollgate.edge.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read-model transaction commits asynchronously, on a server that commits synchronously, and only that transaction:
 * the next one on the same connection is synchronous again.
 */
class AsynchronousCommitTransactionManagerTest {

    static EmbeddedPostgres postgres;
    static SingleConnectionDataSource dataSource;
    static JdbcTemplate jdbc;
    static TransactionManager synchronous;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
        // one connection for every transaction: a setting that leaked out of one would show in the next
        dataSource = new SingleConnectionDataSource(postgres.getPostgresDatabase().getConnection(), true);
        jdbc = new JdbcTemplate(dataSource);
        synchronous = new SpringTransactionManager(new JdbcTransactionManager(dataSource));
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        dataSource.destroy();
        postgres.close();
    }

    private static String synchronousCommitIn(TransactionManager transactions) {
        Transaction transaction = transactions.startTransaction();
        try {
            return jdbc.queryForObject("SHOW synchronous_commit", String.class);
        } finally {
            transaction.commit();
        }
    }

    @Test
    void commitsItsOwnTransactionWithoutWaitingForTheDisk() {
        TransactionManager readModel = new AsynchronousCommitTransactionManager(synchronous, dataSource);

        assertThat(synchronousCommitIn(synchronous)).isEqualTo("on");
        assertThat(synchronousCommitIn(readModel)).isEqualTo("off");
        assertThat(synchronousCommitIn(synchronous)).isEqualTo("on");
    }

    @Test
    void keepsWhatItsTransactionWrote() {
        TransactionManager readModel = new AsynchronousCommitTransactionManager(synchronous, dataSource);
        jdbc.execute("CREATE TABLE IF NOT EXISTS rows_written (id int PRIMARY KEY)");

        readModel.executeInTransaction(() -> jdbc.update("INSERT INTO rows_written VALUES (1)"));
        Transaction rolledBack = readModel.startTransaction();
        jdbc.update("INSERT INTO rows_written VALUES (2)");
        rolledBack.rollback();

        assertThat(jdbc.queryForList("SELECT id FROM rows_written", Integer.class)).containsExactly(1);
    }
}
