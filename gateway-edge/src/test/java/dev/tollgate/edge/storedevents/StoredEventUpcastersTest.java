package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.team.TeamLimits;
import dev.tollgate.domain.team.Team;
import dev.tollgate.edge.config.AxonConfiguration;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's serializer and upcaster chain, on the rows release 0.1 stored (no revision anywhere): each
 * becomes the current revision of today's event class, and a Team rebuilt from them decides as its history says.
 */
class StoredEventUpcastersTest {

    final Serializer serializer = AxonConfiguration.jackson();
    final EventUpcasterChain upcasters = StoredEventUpcasters.chain();
    final StoredEvents release01 = StoredEvents.read(StoredEventsCompatibilityTest.RELEASE_0_1);

    @Test
    void everyEventStoredWithoutARevisionIsReadAsTheRevisionOfTodaysEventClass() throws Exception {
        List<IntermediateEventRepresentation> upcast = upcast(release01.events());

        assertThat(release01.events()).allSatisfy(row -> assertThat(row.payloadRevision()).isNull());
        assertThat(upcast).hasSameSizeAs(release01.events());
        for (IntermediateEventRepresentation event : upcast) {
            String revision = Class.forName(event.getType().getName()).getAnnotation(Revision.class).value();
            assertThat(event.getType().getRevision()).as(event.getType().getName()).isEqualTo(revision);
        }
    }

    @Test
    void balancesStoredBeforeOverrunsWereCountedReadAsNoOverrun() {
        List<IntermediateEventRepresentation> upcast = upcast(release01.events());

        List<JsonNode> balances = upcast.stream()
                .map(event -> event.getData(JsonNode.class).getData())
                .flatMap(payload -> Stream.of("teamBalance", "userBalance", "keyBalance").map(payload::get))
                .filter(balance -> balance != null && balance.isObject())
                .toList();
        assertThat(balances).hasSizeGreaterThan(20);
        assertThat(balances).allSatisfy(balance -> assertThat(balance.path("overrun").asText()).isEqualTo("0"));

        SpendSettled settled = read(release01.of(StoredEventsFixtureWriter.TEAM)).stream()
                .map(DomainEventMessage::getPayload).filter(SpendSettled.class::isInstance)
                .map(SpendSettled.class::cast).findFirst().orElseThrow();
        assertThat(settled.teamBalance().overrun()).isEqualTo(Money.ZERO);
        assertThat(settled.userBalance().overrun()).isEqualTo(Money.ZERO);
    }

    @Test
    void everyEventStoredByRelease01DeserialisesIntoTodaysEventClass() {
        List<? extends DomainEventMessage<?>> messages = read(release01.events());

        assertThat(messages).hasSameSizeAs(release01.events());
        for (int i = 0; i < messages.size(); i++) {
            assertThat(messages.get(i).getPayloadType().getName())
                    .isEqualTo(release01.events().get(i).payloadType());
            assertThat(messages.get(i).getIdentifier()).isEqualTo(release01.events().get(i).eventIdentifier());
        }
    }

    @Test
    void aTeamRebuiltFromRelease01EventsRemembersHowItsRequestsEnded() {
        List<Object> history = read(release01.of(StoredEventsFixtureWriter.TEAM)).stream()
                .map(message -> (Object) message.getPayload()).toList();

        new AggregateTestFixture<>(Team.class).registerInjectableResource(TeamLimits.DEFAULT)
                .given(history)
                .when(new RecordSpendBatch(StoredEventsFixtureWriter.TEAM, List.of(
                        new ReleaseReservation("fx-r1", "retried"), new ReleaseReservation("fx-r5", "retried"))))
                .expectNoEvents()
                .expectResultMessagePayload(new SpendBatchResult(List.of(
                        new SpendOutcome.NotOpen("fx-r1", "settled"), new SpendOutcome.NotOpen("fx-r5", "expired"))));
    }

    private List<IntermediateEventRepresentation> upcast(List<StoredEvents.Row> rows) {
        return upcasters.upcast(entries(rows)
                .map(entry -> (IntermediateEventRepresentation) new InitialEventRepresentation(entry, serializer)))
                .toList();
    }

    private List<? extends DomainEventMessage<?>> read(List<StoredEvents.Row> rows) {
        return EventStreamUtils.upcastAndDeserializeDomainEvents(entries(rows), serializer, upcasters).asStream()
                .toList();
    }

    private static Stream<DomainEventData<?>> entries(List<StoredEvents.Row> rows) {
        return rows.stream().map(row -> new GenericDomainEventEntry<>(row.type(), row.aggregateIdentifier(),
                row.sequenceNumber(), row.eventIdentifier(), row.timeStamp(), row.payloadType(),
                row.payloadRevision(), row.payload().getBytes(StandardCharsets.UTF_8),
                row.metaData().getBytes(StandardCharsets.UTF_8)));
    }
}
