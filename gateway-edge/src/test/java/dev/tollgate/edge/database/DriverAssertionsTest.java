package dev.tollgate.edge.database;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The driver's own assertions (with -ea) leave a guarded connection as the connection failure they stand for, so that
 * Axon handles them as exceptions (rolls back, evicts, retries) instead of letting an Error through.
 */
class DriverAssertionsTest {

    /** A stand-in for the driver: its statement asserts in executeBatch as PostgreSQL's does on a cut connection. */
    private final List<Object> received = new ArrayList<>();

    private Connection driverConnection(AssertionError batchFailure) {
        Statement statement = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{Statement.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "executeBatch" -> throw batchFailure;
                    case "executeUpdate" -> 1;
                    case "hashCode" -> 7;
                    default -> null;
                });
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "createStatement" -> statement;
                    case "releaseSavepoint" -> {
                        received.add(arguments[0]);
                        yield null;
                    }
                    case "setSavepoint" -> Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[]{Savepoint.class}, (p, m, a) -> m.getName().equals("hashCode") ? 1 : null);
                    case "hashCode" -> 3;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }

    private static AssertionError thrownBy(String className) {
        AssertionError error = new AssertionError("pgStatement.getConnection().getAutoCommit() should not throw");
        error.setStackTrace(new StackTraceElement[]{new StackTraceElement(className, "isAutoCommit",
                "BatchResultHandler.java", 1)});
        return error;
    }

    @Test
    void theDriversAssertionLeavesAsALostConnection() throws Exception {
        AssertionError assertion = thrownBy("org.postgresql.jdbc.BatchResultHandler");
        Connection guarded = (Connection) DriverAssertions.wrap(driverConnection(assertion), Connection.class);
        Statement statement = guarded.createStatement();

        assertThat(statement.executeUpdate("update t set x = 1")).isEqualTo(1);
        assertThatThrownBy(statement::executeBatch)
                .isInstanceOf(SQLNonTransientConnectionException.class)
                .hasCause(assertion)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
        assertThatThrownBy(statement::executeBatch).satisfies(e -> assertThat(DatabaseFailures.isUnavailable(e))
                .isTrue());
    }

    @Test
    void anyOtherErrorPassesUnchanged() throws Exception {
        AssertionError notTheDrivers = thrownBy("dev.tollgate.Something");
        Statement statement = ((Connection) DriverAssertions.wrap(driverConnection(notTheDrivers), Connection.class))
                .createStatement();
        assertThatThrownBy(statement::executeBatch).isSameAs(notTheDrivers);
    }

    @Test
    void theDriverGetsItsOwnObjectsBack() throws Exception {
        Connection driver = driverConnection(thrownBy("org.postgresql.X"));
        Connection guarded = (Connection) DriverAssertions.wrap(driver, Connection.class);
        Savepoint savepoint = guarded.setSavepoint();
        assertThat(Proxy.getInvocationHandler(savepoint)).isNotInstanceOf(Proxy.getInvocationHandler(driver)
                .getClass());
        guarded.releaseSavepoint(savepoint);
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).isNotSameAs(savepoint);
        assertThat(DriverAssertions.wrap(guarded, Connection.class)).as("never guarded twice").isSameAs(guarded);
        assertThat(guarded).isEqualTo(guarded);
    }

    @Test
    void theTestsRunTheDriverWithItsAssertionsOn() {
        // surefire runs with -ea: the outage tests go through the guard
        assertThat(DriverAssertions.enabled()).isTrue();
    }
}
