package dev.tollgate.edge.config;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events appended by {@link EventAppendStatement} are stored as Axon's own statement stores them: every column of
 * every row the same, byte for byte, and read back as the same events.
 */
class EventAppendStatementTest {

    static EmbeddedPostgres postgres;
    static DataSource dataSource;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EventStoreDatabase.start();
        dataSource = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    private static JdbcEventStorageEngine.Builder engine() {
        return EventStoreDatabase.engine(dataSource);
    }

    private static List<EventMessage<?>> events(String team) {
        Instant at = Instant.parse("2026-12-07T07:00:00.123456789Z");
        AccountBalance balance = new AccountBalance(Money.of("100"), BudgetPeriod.MONTHLY, at, at.plusSeconds(86_400),
                Money.of("12.5"), Money.of("0.000000001"), Money.ZERO);
        SpendReserved reserved = new SpendReserved("req_" + team, team, "u1", "k1", "gpt-4o-mini",
                Money.of("0.0012345"), 200, 200, false, at, at.plusSeconds(300), Map.of("env", "prod"), balance,
                null, null);
        SpendSettled settled = new SpendSettled("req_" + team, team, "u1", "k1", "gpt-4o-mini", "openai", "d1",
                new Usage(120, 50, 0, 0), Money.of("0.0012345"), Money.of("-3.5"), "v1", 42, at, at.plusMillis(7),
                balance, null, null, Map.of("env", "prod"), 1);
        List<EventMessage<?>> events = new ArrayList<>();
        events.add(new GenericDomainEventMessage<>("Team", team, 0, reserved, Map.of("traceId", "t-1")));
        events.add(new GenericDomainEventMessage<>("Team", team, 1, settled));
        events.add(new GenericEventMessage<>("not an aggregate's event")); // stored with its own id as the aggregate
        return events;
    }

    /** Every column of the rows of {@code aggregate}, in append order, the generated global index left out. */
    private static List<List<Object>> rows(String aggregate) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select aggregateIdentifier, sequenceNumber, type, "
                     + "eventIdentifier, metaData, payload, payloadRevision, payloadType, timeStamp "
                     + "from domainevententry where aggregateIdentifier = '" + aggregate + "' order by globalIndex")) {
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int column = 1; column <= 9; column++) {
                    Object value = result.getObject(column);
                    row.add(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static void delete(String aggregate) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("delete from domainevententry where aggregateIdentifier = '" + aggregate + "'");
        }
    }

    @Test
    void storesTheRowsAxonsOwnStatementStores() throws Exception {
        List<EventMessage<?>> events = events("team-a");
        String plainId = events.get(2).getIdentifier();
        engine().build().appendEvents(events);
        List<List<Object>> byAxon = rows("team-a");
        List<List<Object>> plainByAxon = rows(plainId);
        delete("team-a");
        delete(plainId);

        engine().appendEvents(new EventAppendStatement()).build().appendEvents(events);

        assertThat(byAxon).hasSize(2);
        assertThat(plainByAxon).hasSize(1);
        assertThat(rows("team-a")).isEqualTo(byAxon);
        assertThat(rows(plainId)).isEqualTo(plainByAxon);
    }

    @Test
    void eventsAppendedReadBackAsTheSameEvents() {
        JdbcEventStorageEngine ours = engine().appendEvents(new EventAppendStatement()).build();
        List<EventMessage<?>> appended = events("team-c");
        ours.appendEvents(appended);

        DomainEventStream read = ours.readEvents("team-c");
        List<? extends DomainEventMessage<?>> events = read.asStream().toList();
        assertThat(events).hasSize(2);
        for (int i = 0; i < 2; i++) {
            DomainEventMessage<?> original = (DomainEventMessage<?>) appended.get(i);
            assertThat(events.get(i).getPayload()).isEqualTo(original.getPayload());
            assertThat(events.get(i).getIdentifier()).isEqualTo(original.getIdentifier());
            assertThat(events.get(i).getSequenceNumber()).isEqualTo(original.getSequenceNumber());
            assertThat(events.get(i).getTimestamp()).isEqualTo(original.getTimestamp().truncatedTo(ChronoUnit.MILLIS));
            assertThat(events.get(i).getMetaData()).isEqualTo(original.getMetaData());
        }
        EventMessage<?> plain = appended.get(2);
        assertThat(ours.readEvents(null, false).filter(e -> e.getIdentifier().equals(plain.getIdentifier()))
                .findFirst().orElseThrow().getPayload()).isEqualTo("not an aggregate's event");
    }
}
