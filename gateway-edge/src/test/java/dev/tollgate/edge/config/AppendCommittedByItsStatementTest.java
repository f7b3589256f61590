package dev.tollgate.edge.config;

import com.zaxxer.hikari.HikariDataSource;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.RequestEvent;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.edge.storedevents.StoredEventUpcasters;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.jdbc.support.JdbcTransactionManager;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A unit of work that only appends spend events commits them with their append (one round trip, durable when the
 * append returns, all or nothing); every other one appends in its transaction and commits with it, as before. On a
 * real PostgreSQL, through the same connection provider, Spring transaction and pool as the application.
 */
class AppendCommittedByItsStatementTest {

    static EmbeddedPostgres postgres;
    /** As the application has it: batches rewritten into multi-row inserts (application.yaml). */
    static Store store;
    /** The driver's plain batches, one statement per row: the limit must hold for them too. */
    static Store plain;

    /** A pool, Spring's transactions on it, and the event store on both, as the application builds them. */
    record Store(HikariDataSource dataSource, TransactionManager transactions, JdbcEventStorageEngine engine) {

        static Store on(String jdbcUrl, boolean rewriteBatchedInserts) {
            HikariDataSource dataSource = new HikariDataSource();
            dataSource.setJdbcUrl(jdbcUrl);
            dataSource.addDataSourceProperty("reWriteBatchedInserts", rewriteBatchedInserts);
            TransactionManager transactions = new SpringTransactionManager(new JdbcTransactionManager(dataSource));
            return new Store(dataSource, transactions, new StreamingJdbcEventStorageEngine(
                    JdbcEventStorageEngine.builder()
                            .snapshotSerializer(AxonConfiguration.jackson())
                            .eventSerializer(AxonConfiguration.jackson())
                            .upcasterChain(StoredEventUpcasters.chain())
                            .persistenceExceptionResolver(new SQLStateResolver("23505"))
                            .connectionProvider(new UnitOfWorkAwareConnectionProviderWrapper(
                                    new SpringDataSourceConnectionProvider(dataSource)))
                            .transactionManager(transactions)
                            .schema(new EventSchema())
                            .appendEvents(new EventAppendStatement()), 100));
        }
    }

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        store = Store.on(url, true);
        plain = Store.on(url, false);
        Flyway.configure().dataSource(store.dataSource()).locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        store.dataSource().close();
        plain.dataSource().close();
        postgres.close();
    }

    /** A note that is not about a request. */
    record Noted(String text) {
    }

    private static EventMessage<?> reserved(String team, long sequence) {
        Instant at = Instant.parse("2026-12-07T09:00:00Z");
        AccountBalance balance = new AccountBalance(Money.of("100"), BudgetPeriod.MONTHLY, at, at.plusSeconds(86_400),
                Money.of("1"), Money.ZERO, Money.ZERO);
        return new GenericDomainEventMessage<>("Team", team, sequence, new SpendReserved("req_" + team + "_"
                + sequence, team, "u1", "k1", "gpt-4o-mini", Money.of("0.001"), 200, 200, false, at,
                at.plusSeconds(300), Map.of(), balance, null, null));
    }

    private static List<EventMessage<?>> reservations(String team, int count) {
        return reservations(team, 0, count);
    }

    private static List<EventMessage<?>> reservations(String team, long first, int count) {
        List<EventMessage<?>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(reserved(team, first + i));
        }
        return events;
    }

    /** Rows of {@code team} another connection sees: committed ones only. */
    private static int committedRows(String team) {
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "select count(*) from domainevententry where aggregateIdentifier = '" + team + "'")) {
            result.next();
            return result.getInt(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Appends {@code events} in a unit of work with its Spring transaction, as a command's is, after {@code before}
     * ran in it; returns the rows of {@code team} another connection saw right after the append, before the commit.
     */
    private static int committedAtAppend(String team, List<EventMessage<?>> events, Consumer<Connection> before) {
        return committedAtAppend(store, team, events, before);
    }

    private static int committedAtAppend(Store on, String team, List<EventMessage<?>> events,
                                         Consumer<Connection> before) {
        AtomicInteger seen = new AtomicInteger(-1);
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        unitOfWork.attachTransaction(on.transactions());
        unitOfWork.onPrepareCommit(u -> {
            before.accept(connectionOf(on));
            on.engine().appendEvents(events);
            seen.set(committedRows(team));
        });
        unitOfWork.commit();
        return seen.get();
    }

    /** The unit of work's connection, as Axon's append gets it. */
    private static Connection connectionOf(Store on) {
        try {
            return new UnitOfWorkAwareConnectionProviderWrapper(
                    new SpringDataSourceConnectionProvider(on.dataSource())).getConnection();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void nothing(Connection connection) {
    }

    @Test
    void spendEventsAreCommittedByTheirAppend() {
        assertThat(committedAtAppend("team-spend", reservations("team-spend", 2),
                AppendCommittedByItsStatementTest::nothing)).isEqualTo(2);
        assertThat(committedRows("team-spend")).isEqualTo(2);
    }

    @Test
    void aBatchOfTheLargestSizeIsCommittedByItsAppend() {
        String team = "team-largest";
        assertThat(committedAtAppend(team, reservations(team, AppendCommittedByItsStatement.MAX_EVENTS),
                AppendCommittedByItsStatementTest::nothing)).isEqualTo(AppendCommittedByItsStatement.MAX_EVENTS);
    }

    @Test
    void otherEventsAreCommittedWithTheirTransaction() {
        List<EventMessage<?>> events = reservations("team-mixed", 1);
        events.add(new GenericDomainEventMessage<>("Team", "team-mixed", 1, new Noted("not about a request")));

        assertThat(committedAtAppend("team-mixed", events, AppendCommittedByItsStatementTest::nothing)).isZero();
        assertThat(committedRows("team-mixed")).isEqualTo(2);
    }

    @Test
    void aTransactionAlreadyUnderWayKeepsTheAppend() {
        // as a batch that took its team's cross-node lock, or loaded its team from the store, first
        assertThat(committedAtAppend("team-locked", reservations("team-locked", 2), connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("select pg_advisory_xact_lock(1, hashtext('team-locked'))");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).isZero();
        assertThat(committedRows("team-locked")).isEqualTo(2);
    }

    @Test
    void largerBatchesAreCommittedWithTheirTransaction() {
        String team = "team-large";
        assertThat(committedAtAppend(team, reservations(team, AppendCommittedByItsStatement.MAX_EVENTS + 1),
                AppendCommittedByItsStatementTest::nothing)).isZero();
        assertThat(committedRows(team)).isEqualTo(AppendCommittedByItsStatement.MAX_EVENTS + 1);
    }

    /**
     * A conflict in the last row of the largest batch (another node appended that sequence first) leaves none of its
     * rows stored: with the application's multi-row inserts, and with the driver's plain batch, which it sends with
     * one Sync up to about 255 statements (with a Sync of the driver's own inside it, the batch's first part would stay
     * committed: the test fails with the limit at 300).
     */
    @Test
    void aConflictInTheLargestBatchStoresNothingOfIt() {
        for (Store on : List.of(store, plain)) {
            String team = on == store ? "team-conflict" : "team-conflict-plain";
            int size = AppendCommittedByItsStatement.MAX_EVENTS;
            committedAtAppend(on, team, List.of(reserved(team, 0), reserved(team, size)),
                    AppendCommittedByItsStatementTest::nothing);

            assertThatThrownBy(() -> committedAtAppend(on, team, reservations(team, 1, size),
                    AppendCommittedByItsStatementTest::nothing)).isInstanceOf(ConcurrencyException.class);
            assertThat(committedRows(team)).as(team).isEqualTo(2);

            // and the connection went back to its pool in a state the next unit of work can use
            assertThat(committedAtAppend(on, team, reservations(team, 1, 2), AppendCommittedByItsStatementTest::nothing))
                    .as(team).isEqualTo(4);
        }
    }

    /**
     * No handler that writes rows in the command's transaction (a subscribing group whose rows are written with
     * their event) handles an event about a request: nothing is written after a spend batch's append, which its
     * commit would otherwise have to cover.
     */
    @Test
    void noHandlerWritesRowsWithAnEventAboutARequest() throws Exception {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ProcessingGroup.class));
        List<Class<?>> writers = new ArrayList<>();
        Set<String> groups = new HashSet<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.tollgate")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            String group = type.getAnnotation(ProcessingGroup.class).value();
            if (AxonConfiguration.ROWS_WRITTEN_WITH_THEIR_EVENT.contains(group)) {
                writers.add(type);
                groups.add(group);
            }
        }
        assertThat(groups).containsExactlyInAnyOrderElementsOf(AxonConfiguration.ROWS_WRITTEN_WITH_THEIR_EVENT);
        for (Class<?> writer : writers) {
            for (Method method : writer.getDeclaredMethods()) {
                if (method.isAnnotationPresent(EventHandler.class)) {
                    assertThat(RequestEvent.class.isAssignableFrom(method.getParameterTypes()[0]))
                            .as(writer.getSimpleName() + "." + method.getName()).isFalse();
                }
            }
        }
    }
}
