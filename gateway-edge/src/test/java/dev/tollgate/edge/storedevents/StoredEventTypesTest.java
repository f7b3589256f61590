package dev.tollgate.edge.storedevents;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event types of today's code ({@link EventTypes}, found by scanning it) and the newest fixture of stored events:
 * a new event type fails here until {@link StoredEventsFixtureWriter}'s scenario stores it and a fixture written with
 * it is added to {@link StoredEventsCompatibilityTest#FIXTURES}, so that a later release is proven to load it.
 */
class StoredEventTypesTest {

    @Test
    void everyEventAnAggregateAppliesCarriesARevisionAndLivesInTheApi() {
        Set<String> applied = EventTypes.appliedByAggregates();

        assertThat(applied).as("an aggregate applies events").isNotEmpty()
                .allSatisfy(type -> assertThat(type).startsWith(EventTypes.API + "."));
        assertThat(EventTypes.revisioned()).containsAll(applied);
        assertThat(EventTypes.all()).contains("dev.tollgate.api.team.TeamCreated",
                // applied by Team, but changes nothing in it: found by its revision alone
                "dev.tollgate.api.spend.SpendOverran");
    }

    @Test
    void theNewestFixtureHoldsEveryEventTypeOfTodaysCode() {
        List<String> fixtures = StoredEventsCompatibilityTest.FIXTURES;
        StoredEvents newest = StoredEvents.read(fixtures.get(fixtures.size() - 1));

        Set<String> missing = new TreeSet<>(EventTypes.all());
        missing.removeAll(newest.countByPayloadType().keySet());

        assertThat(missing).as("event types no fixture holds: make StoredEventsFixtureWriter's scenario store them, "
                + "write a new fixture with it and add it to StoredEventsCompatibilityTest.FIXTURES").isEmpty();
    }

    @Test
    void theSnapshottedAggregatesAreFoundAndTheNewestFixtureHoldsASnapshotOfEach() {
        List<String> fixtures = StoredEventsCompatibilityTest.FIXTURES;
        StoredEvents newest = StoredEvents.read(fixtures.get(fixtures.size() - 1));

        assertThat(EventTypes.snapshotted()).contains("Team");
        assertThat(newest.snapshots()).extracting(StoredEvents.Row::type).containsAll(EventTypes.snapshotted());
    }
}
