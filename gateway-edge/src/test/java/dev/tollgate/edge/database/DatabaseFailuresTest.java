package dev.tollgate.edge.database;

import org.axonframework.common.jdbc.JdbcException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.DuplicateKeyException;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures mean "the database cannot be reached", whatever wraps them. */
class DatabaseFailuresTest {

    @Test
    void aLostOrRefusedConnectionIsAnOutageWhateverWrapsIt() {
        assertThat(DatabaseFailures.isUnavailable(new SQLTransientConnectionException(
                "tollgate - Connection is not available, request timed out after 1000ms"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new CompletionException(new JdbcException(
                "Failed to obtain a database connection", new PSQLException("I/O error",
                PSQLState.CONNECTION_FAILURE))))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("terminating connection due to administrator "
                + "command", "57P01"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new IllegalStateException(new ConnectException("refused"))))
                .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new DatabaseUnavailable(Duration.ofSeconds(2)))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new JdbcException("Failed to create a SQL statement",
                new SQLException("Connection is closed")))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(DatabaseFailures.isUnavailable(new IllegalArgumentException("bad id"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new DuplicateKeyException("dup",
                new SQLException("duplicate key", "23505")))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new AssertionError("not the driver's"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(null)).isFalse();
    }

    @Test
    void aRaceATimeoutOrExhaustedResourcesAreTransientARefusedRowIsNot() {
        assertThat(DatabaseFailures.isTransient(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(DatabaseFailures.isTransient(new org.springframework.dao.CannotAcquireLockException("lock",
                new PSQLException("could not serialize access", PSQLState.SERIALIZATION_FAILURE)))).isTrue();
        assertThat(DatabaseFailures.isTransient(new SQLException("canceling statement due to statement timeout",
                "57014"))).isTrue();
        assertThat(DatabaseFailures.isTransient(new SQLException("could not obtain lock", "55P03"))).isTrue();
        assertThat(DatabaseFailures.isTransient(new SQLException("could not extend file: No space left", "53100")))
                .isTrue();
        assertThat(DatabaseFailures.isTransient(new java.sql.SQLTimeoutException("timed out"))).isTrue();
        assertThat(DatabaseFailures.isTransient(new SQLTransientConnectionException("pool timeout"))).isTrue();

        assertThat(DatabaseFailures.isTransient(new DuplicateKeyException("dup",
                new SQLException("duplicate key", "23505")))).isFalse();
        assertThat(DatabaseFailures.isTransient(new org.jooq.exception.DataAccessException("check",
                new SQLException("violates check constraint", "23514")))).isFalse();
        assertThat(DatabaseFailures.isTransient(new SQLException("value too long", "22001"))).isFalse();
        assertThat(DatabaseFailures.isTransient(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(DatabaseFailures.isTransient(new IllegalStateException("a bug"))).isFalse();
    }
}
