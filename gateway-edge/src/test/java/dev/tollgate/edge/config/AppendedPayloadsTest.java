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
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spend events a node has just appended stream to its processors with the payload they were appended with, and
 * that payload is the one the store decodes for anyone else (another node, a replay): same values to the nanosecond
 * and the nano-dollar, same timestamp, same token.
 */
class AppendedPayloadsTest {

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

    /** Axon's engine, unchanged: it decodes every event it reads. */
    private static JdbcEventStorageEngine decoding() {
        return engine().build();
    }

    private static List<? extends TrackedEventMessage<?>> readAll(JdbcEventStorageEngine engine) {
        return engine.readEvents(null, false).toList();
    }

    private static TrackedEventMessage<?> find(List<? extends TrackedEventMessage<?>> events, String id) {
        return events.stream().filter(e -> e.getIdentifier().equals(id)).findFirst().orElseThrow();
    }

    /** Appends the payloads as the team's events, in order, through {@code engine}. */
    private static List<DomainEventMessage<?>> append(StreamingJdbcEventStorageEngine engine, String team,
                                                      Object... payloads) {
        List<DomainEventMessage<?>> events = new ArrayList<>();
        for (Object payload : payloads) {
            events.add(new GenericDomainEventMessage<>("Team", team, events.size(), payload));
        }
        engine.appendEvents(events);
        return events;
    }

    @Test
    void streamsTheSpendEventsItAppendedWithTheirPayloadEqualToTheDecodedOne() {
        String team = "team-" + UUID.randomUUID();
        StreamingJdbcEventStorageEngine streaming = new StreamingJdbcEventStorageEngine(engine(), 100);
        SpendReserved reserved = reserved(team);
        SpendSettled settled = settled(team);
        List<DomainEventMessage<?>> appended = append(streaming, team, reserved, "not a spend event", settled);

        List<? extends TrackedEventMessage<?>> streamed = readAll(streaming);
        List<? extends TrackedEventMessage<?>> decoded = readAll(decoding());
        for (DomainEventMessage<?> event : appended) {
            TrackedEventMessage<?> mine = find(streamed, event.getIdentifier());
            TrackedEventMessage<?> theirs = find(decoded, event.getIdentifier());
            assertThat(mine.getPayload()).isEqualTo(event.getPayload()).isEqualTo(theirs.getPayload());
            assertThat(mine.getPayloadType()).isEqualTo(theirs.getPayloadType());
            assertThat(mine.getTimestamp()).isEqualTo(theirs.getTimestamp());
            assertThat(mine.trackingToken()).isEqualTo(theirs.trackingToken());
            assertThat(mine.getMetaData()).isEqualTo(theirs.getMetaData()).isEmpty();
            DomainEventMessage<?> domain = (DomainEventMessage<?>) mine;
            assertThat(domain.getAggregateIdentifier()).isEqualTo(team);
            assertThat(domain.getSequenceNumber()).isEqualTo(event.getSequenceNumber());
            assertThat(domain.getType()).isEqualTo("Team");
        }
        assertThat(find(streamed, appended.get(0).getIdentifier()).getPayload()).as("not decoded again")
                .isSameAs(reserved);
        assertThat(find(streamed, appended.get(2).getIdentifier()).getPayload()).isSameAs(settled);
        assertThat(find(streamed, appended.get(1).getIdentifier()).getPayload()).as("only spend events are kept")
                .isNotSameAs(appended.get(1).getPayload());
    }

    @Test
    void decodesWhatItNoLongerKeeps() {
        String team = "team-" + UUID.randomUUID();
        StreamingJdbcEventStorageEngine streaming = new StreamingJdbcEventStorageEngine(engine(), 1);
        SpendReserved first = reserved(team);
        SpendReserved second = reserved(team);
        List<DomainEventMessage<?>> appended = append(streaming, team, first, second);
        EventMessage<?> older = appended.get(0);
        EventMessage<?> newer = appended.get(1);

        List<? extends TrackedEventMessage<?>> streamed = readAll(streaming);
        assertThat(find(streamed, older.getIdentifier()).getPayload()).isEqualTo(first).isNotSameAs(first);
        assertThat(find(streamed, newer.getIdentifier()).getPayload()).isSameAs(second);
    }

    private static final Instant AT = Instant.parse("2026-12-05T05:41:07.123456789Z");

    private static AccountBalance balance() {
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        return new AccountBalance(Money.of("25.50"), BudgetPeriod.MONTHLY, start, Instant.parse("2027-01-01T00:00:00Z"),
                Money.of("3.000000123"), Money.of("0.00983445"), Money.of("0.000000001"));
    }

    private static SpendReserved reserved(String team) {
        return new SpendReserved("req-" + UUID.randomUUID(), team, "user-1", "key-1", "gpt-4o-mini",
                Money.of("0.00983445"), 4096, 1024, true, AT, AT.plusSeconds(600),
                Map.of("course", "cs101", "cohort", "2026"), balance(), balance(), null);
    }

    private static SpendSettled settled(String team) {
        return new SpendSettled("req-" + UUID.randomUUID(), team, "user-1", "key-1", "gpt-4o-mini", "openai",
                "mock", new Usage(12, 34, 5, 6), Money.of("0.00983445"), Money.of("0.0000258"), "v3", 17,
                AT, AT.plusNanos(987_654_321), balance(), null, balance(), Map.of("course", "cs101"), 2);
    }
}
