package dev.tollgate.edge.database;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells a failure caused by an unreachable database (no connection within Hikari's connection timeout, a connection
 * refused or cut, a server shutting down) from every other failure, whatever wraps it (Axon, Spring, jOOQ).
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /** {@code true} when {@code failure}, or one of its causes, says the database cannot be reached right now. */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable current : causes(failure)) {
            if (current instanceof DatabaseUnavailable
                    || current instanceof SQLTransientConnectionException
                    || current instanceof SQLNonTransientConnectionException
                    || current instanceof ConnectException) {
                return true;
            }
            if (current instanceof SQLException sql && connectionState(sql.getSQLState())) {
                return true;
            }
            if (current instanceof SQLException sql && sql.getSQLState() == null
                    && "Connection is closed".equals(sql.getMessage())) {
                // Hikari's answer (no SQL state) for a pooled connection it closed after the database cut it,
                // to the transaction that still holds it
                return true;
            }
            if (current instanceof AssertionError && thrownBy(current, "org.postgresql.")) {
                // with assertions on (-ea, as in the tests) the driver asserts where a cut connection makes its
                // own calls fail (BatchResultHandler: "getAutoCommit() should not throw")
                return true;
            }
        }
        return false;
    }

    /**
     * {@code true} when {@code failure} may well not happen again if the same work is simply retried: the database
     * unreachable ({@link #isUnavailable}), or a statement that lost a race or ran out of time or resources rather
     * than one the database refuses for good — SQL state class 40 (serialization failure, deadlock), 53
     * (insufficient resources: disk full, out of memory, too many connections), 55P03 (lock not available),
     * 57014 (canceled: a statement timeout), or the driver's {@link SQLTransientException}s. A constraint violation,
     * a value that does not fit or a syntax error (classes 22, 23, 42) is not transient.
     */
    public static boolean isTransient(Throwable failure) {
        if (isUnavailable(failure)) {
            return true;
        }
        for (Throwable current : causes(failure)) {
            if (current instanceof SQLTransientException) {
                return true;
            }
            if (current instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("40") || state.startsWith("53") || state.equals("55P03")
                        || state.equals("57014")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code true} when a JDBC failure is somewhere in {@code failure}'s causes. */
    public static boolean involvesJdbc(Throwable failure) {
        for (Throwable current : causes(failure)) {
            if (current instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /** {@code failure} and its causes, outermost first, each once (a cause that refers back ends the chain). */
    public static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable current = failure; current != null && seen.put(current, Boolean.TRUE) == null;
             current = current.getCause()) {
            chain.add(current);
        }
        return chain;
    }

    private static boolean thrownBy(Throwable failure, String packagePrefix) {
        StackTraceElement[] frames = failure.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith(packagePrefix);
    }

    /**
     * SQL states of a lost or refused connection: class 08 (connection exception) and 57P01–57P03 (the server is
     * shutting down, or cannot accept connections now).
     */
    private static boolean connectionState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }
}
