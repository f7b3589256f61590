package dev.tollgate.edge.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The PostgreSQL driver's internal assertions, turned into the {@link SQLException} they stand for.
 * <p>
 * With assertions on ({@code -ea}, as in the tests), the driver asserts where a connection cut under it makes its own
 * calls fail (a JDBC batch: {@code "getAutoCommit() should not throw"}). An {@link AssertionError} is an
 * {@link Error}, and Axon lets an Error through where it handles exceptions: a unit of work whose commit met one was
 * neither rolled back nor had its cached aggregate evicted (a team then decided on events that were never stored), and
 * a pooled processor's work package that met one stopped for good without a word (its processor reported in error
 * and never resumed: the read model stalled, readiness stayed DOWN after PostgreSQL returned). Here every connection
 * the pool opens is wrapped so that such an assertion leaves the driver as a connection failure (SQL state
 * {@code 08006}): Hikari evicts the connection and everything above handles it as any other lost connection.
 * <p>
 * Without assertions on the driver (production's default) the driver never throws them, and nothing is wrapped.
 */
public final class DriverAssertions {

    private static final String DRIVER_PACKAGE = "org.postgresql.";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DriverAssertions.class);

    private DriverAssertions() {
    }

    /** Whether the PostgreSQL driver runs with its assertions on in this JVM. */
    public static boolean enabled() {
        return org.postgresql.Driver.class.desiredAssertionStatus();
    }

    /**
     * Makes {@code config}'s pool open its connections through a guard, if the driver's assertions are on. Call
     * before the pool starts.
     */
    public static void guard(HikariConfig config) {
        if (!enabled() || config.getDataSource() != null || config.getJdbcUrl() == null) {
            return;
        }
        Properties properties = new Properties();
        properties.putAll(config.getDataSourceProperties());
        config.setDataSource(new GuardedDataSource(new DriverDataSource(config.getJdbcUrl(),
                config.getDriverClassName(), properties, config.getUsername(), config.getPassword())));
    }

    /** As {@link #guard(HikariConfig)}, for a pool configured by Spring Boot and not started yet. */
    public static void guard(HikariDataSource pool) {
        if (enabled() && !pool.isRunning() && pool.getDataSource() == null) {
            HikariConfig config = new HikariConfig();
            pool.copyStateTo(config);
            guard(config);
            pool.setDataSource(config.getDataSource());
        }
    }

    /**
     * Guards the pool Spring Boot configures for an external PostgreSQL ({@code spring.datasource.url}) before it
     * starts; the embedded database's pool is guarded where it is built.
     */
    @Component
    static class PoolGuard implements BeanPostProcessor {

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof HikariDataSource pool) {
                guard(pool);
            }
            return bean;
        }
    }

    /** Whether {@code failure} is one of the driver's own assertions. */
    static boolean isDriverAssertion(Throwable failure) {
        if (!(failure instanceof AssertionError)) {
            return false;
        }
        StackTraceElement[] frames = failure.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith(DRIVER_PACKAGE);
    }

    /** The public interfaces a driver class implements: its guard implements them all. */
    private static final ClassValue<Class<?>[]> INTERFACES = new ClassValue<>() {
        @Override
        protected Class<?>[] computeValue(Class<?> driverClass) {
            Set<Class<?>> interfaces = new LinkedHashSet<>();
            for (Class<?> type = driverClass; type != null; type = type.getSuperclass()) {
                collect(type, interfaces);
            }
            return interfaces.toArray(Class[]::new);
        }
    };

    /** {@code target} guarded, if it is one of the driver's JDBC objects ({@code declared} a java.sql interface). */
    static Object wrap(Object target, Class<?> declared) {
        if (target == null || !declared.isInterface() || !declared.getName().startsWith("java.sql.")
                || unwrapped(target) != target) {
            return target;
        }
        Class<?>[] interfaces = INTERFACES.get(target.getClass());
        return Proxy.newProxyInstance(target.getClass().getClassLoader(), interfaces, new Guard(target));
    }

    private static void collect(Class<?> type, Set<Class<?>> into) {
        for (Class<?> implemented : type.getInterfaces()) {
            if (java.lang.reflect.Modifier.isPublic(implemented.getModifiers()) && into.add(implemented)) {
                collect(implemented, into);
            }
        }
    }

    private static Object unwrapped(Object argument) {
        if (argument != null && Proxy.isProxyClass(argument.getClass())
                && Proxy.getInvocationHandler(argument) instanceof Guard guard) {
            return guard.target;
        }
        return argument;
    }

    /** Calls the driver's object; its assertions leave as connection failures, what it returns is guarded too. */
    private static final class Guard implements InvocationHandler {

        private final Object target;

        Guard(Object target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> target.equals(unwrapped(arguments[0]));
                    case "hashCode" -> target.hashCode();
                    default -> method.invoke(target, arguments);
                };
            }
            Object[] passed = arguments;
            if (arguments != null) {
                passed = arguments.clone();
                for (int i = 0; i < passed.length; i++) {
                    passed[i] = unwrapped(passed[i]);
                }
            }
            Object result;
            try {
                result = method.invoke(target, passed);
            } catch (InvocationTargetException thrown) {
                Throwable failure = thrown.getCause();
                if (isDriverAssertion(failure)) {
                    log.warn("The PostgreSQL driver failed an internal assertion in {}.{} ({}): the connection is "
                            + "treated as lost", method.getDeclaringClass().getSimpleName(), method.getName(),
                            failure.getMessage());
                    throw new SQLNonTransientConnectionException("The PostgreSQL driver failed an internal "
                            + "assertion (" + failure.getMessage() + "): the connection is treated as lost",
                            "08006", failure);
                }
                throw failure;
            }
            return wrap(result, method.getReturnType());
        }
    }

    /** A data source whose connections are guarded. */
    static final class GuardedDataSource implements DataSource {

        private final DataSource driver;

        GuardedDataSource(DataSource driver) {
            this.driver = driver;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return (Connection) wrap(driver.getConnection(), Connection.class);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return (Connection) wrap(driver.getConnection(username, password), Connection.class);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return driver.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            driver.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            driver.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return driver.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return driver.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return type.isInstance(this) ? type.cast(this) : driver.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return type.isInstance(this) || driver.isWrapperFor(type);
        }
    }
}
