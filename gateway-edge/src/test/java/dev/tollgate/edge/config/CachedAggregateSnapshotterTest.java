package dev.tollgate.edge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.TeamLimits;
import dev.tollgate.api.topup.TopUpBudget;
import dev.tollgate.domain.team.Team;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots taken from the cached team hold exactly the state its events give (as a replay would), at the sequence
 * number of the last event they include, in the serialized form Axon's snapshotter writes; nothing is replayed, and a
 * team loaded from such a snapshot decides as the cached one does.
 */
class CachedAggregateSnapshotterTest {

    private static final String TEAM = "hot";
    private static final int THRESHOLD = 25;

    private final JacksonSerializer serializer = AxonConfiguration.jackson();
    private final InMemoryEventStorageEngine engine = new InMemoryEventStorageEngine();
    private final EmbeddedEventStore eventStore = EmbeddedEventStore.builder().storageEngine(engine).build();
    private final BoundedAggregateCache cache = new BoundedAggregateCache(100, Duration.ofHours(1));
    private final List<String> replayed = new CopyOnWriteArrayList<>();
    private final CachedAggregateSnapshotter snapshotter = new CachedAggregateSnapshotter(
            (type, id) -> replayed.add(id), cache, serializer, eventStore, NoTransactionManager.INSTANCE,
            Runnable::run);
    private Configuration axon;

    @AfterEach
    void stop() {
        if (axon != null) {
            axon.shutdown();
        }
    }

    @Test
    void aSnapshotIsTheCachedTeamAsItsEventsMakeIt() throws Exception {
        axon = DefaultConfigurer.defaultConfiguration(false)
                .configureSerializer(c -> serializer)
                .configureEventStore(c -> eventStore)
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Team.class)
                        .configureCache(c -> cache)
                        .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(snapshotter, THRESHOLD)))
                .registerComponent(TeamLimits.class, c -> new TeamLimits(100))
                .start();
        var commands = axon.commandGateway();
        commands.sendAndWait(new CreateTeam(TEAM, "Every student", Budget.of("1000", BudgetPeriod.MONTHLY),
                Budget.of("10", BudgetPeriod.MONTHLY), OverBudgetPolicy.CLAMP, "admin", null));
        for (int u = 0; u < 5; u++) {
            commands.sendAndWait(new RegisterUser(TEAM, "student-" + u, null, null, null, null, "admin"));
        }
        for (int n = 0; n < 40; n++) {
            String request = "r-" + n;
            SpendBatchResult result = commands.sendAndWait(new RecordSpendBatch(TEAM, List.of(
                    reserve(request, "student-" + n % 5),
                    new SettleSpend("r-" + (n - 1), "model", new Usage(100, 50, 0, 0), Money.of("0.00004"),
                            "v1", "mock", "mock", 1))));
            assertThat(result.outcomes().get(0)).isInstanceOf(SpendOutcome.Reserved.class);
        }

        assertThat(replayed).as("nothing replayed").isEmpty();
        DomainEventMessage<?> snapshot = engine.readSnapshot(TEAM).orElseThrow();
        long lastEvent = engine.readEvents(TEAM).asStream().mapToLong(DomainEventMessage::getSequenceNumber).max()
                .orElseThrow();
        assertThat(replayed).as("nothing replayed").isEmpty();
        assertThat(snapshot.getSequenceNumber()).isPositive().isLessThanOrEqualTo(lastEvent);
        assertThat(snapshot.getType()).isEqualTo("Team");
        assertThat(snapshot.serializePayload(serializer, byte[].class).getType())
                .isEqualTo(serializer.typeForClass(Team.class));

        Team fromEvents = replay(snapshot.getSequenceNumber());
        ObjectMapper json = serializer.getObjectMapper();
        JsonNode expected = json.valueToTree(fromEvents);
        assertThat(json.<JsonNode>valueToTree(snapshot.getPayload())).isEqualTo(expected);
        assertThat(expected.toString()).contains("student-4");

        // Loaded from the snapshot and the events after it, the team decides as the cached one would.
        cache.removeAll();
        SettleSpend settle39 = new SettleSpend("r-39", "model", new Usage(100, 50, 0, 0), Money.of("0.00004"), "v1",
                "mock", "mock", 1);
        SpendBatchResult afterReload = commands.sendAndWait(new RecordSpendBatch(TEAM, List.of(
                settle39, settle39, reserve("r-40", "student-0"), settle38())));
        assertThat(afterReload.outcomes().get(0)).as("r-39 open").isInstanceOf(SpendOutcome.Settled.class);
        assertThat(afterReload.outcomes().get(1)).as("r-39 closed").isInstanceOf(SpendOutcome.NotOpen.class);
        assertThat(afterReload.outcomes().get(2)).isInstanceOf(SpendOutcome.Reserved.class);
        assertThat(afterReload.outcomes().get(3)).as("r-38 was settled").isInstanceOf(SpendOutcome.NotOpen.class);
    }

    @Test
    void aTeamLoadedFromASnapshotRemembersItsTopUpsAndEndedBoosts() {
        axon = DefaultConfigurer.defaultConfiguration(false)
                .configureSerializer(c -> serializer)
                .configureEventStore(c -> eventStore)
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Team.class)
                        .configureCache(c -> cache)
                        .configureSnapshotTrigger(c -> new EventCountSnapshotTriggerDefinition(snapshotter, THRESHOLD)))
                .registerComponent(TeamLimits.class, c -> new TeamLimits(100))
                .start();
        var commands = axon.commandGateway();
        commands.sendAndWait(new CreateTeam(TEAM, "Theses", Budget.of("1000", BudgetPeriod.MONTHLY),
                Budget.of("10", BudgetPeriod.MONTHLY), OverBudgetPolicy.CLAMP, "admin", null));
        commands.sendAndWait(new RegisterUser(TEAM, "thesis", null, null, Budget.of("1", BudgetPeriod.NONE), null,
                "admin"));
        TopUpBudget topUp = new TopUpBudget(TEAM, "t1", "thesis", Money.of("2"), "finance", "second semester");
        commands.sendAndWait(topUp);
        Instant now = Instant.now();
        GrantBoost grant = new GrantBoost(TEAM, "b1", null, Money.of("5"), now, now.plusSeconds(3600), "exam", null,
                "admin");
        commands.sendAndWait(grant);
        commands.sendAndWait(new RevokeBoost(TEAM, "b1", "admin", "mistake"));
        for (int n = 0; n < THRESHOLD; n++) {
            commands.sendAndWait(new RecordSpendBatch(TEAM, List.of(reserve("s-" + n, "thesis"))));
        }
        DomainEventMessage<?> snapshot = engine.readSnapshot(TEAM).orElseThrow();
        String stored = new String(snapshot.serializePayload(serializer, byte[].class).getData(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(stored).contains("\"recentTopUps\":{\"t1\"").contains("\"endedBoostIds\":[\"b1\"]");

        // loaded from the snapshot (and the events after it), it still knows both
        cache.removeAll();
        long events = engine.readEvents(TEAM).asStream().count();
        commands.sendAndWait(topUp);
        assertThat(engine.readEvents(TEAM).asStream().count()).as("the top-up sent again changes nothing")
                .isEqualTo(events);
        assertThatThrownBy(() -> commands.sendAndWait(grant)).isInstanceOfSatisfying(CommandRefused.class,
                refused -> assertThat(refused.reason()).isEqualTo(CommandRefused.Reason.CONFLICT));
    }

    private static SettleSpend settle38() {
        return new SettleSpend("r-38", "model", new Usage(100, 50, 0, 0), Money.of("0.00004"), "v1", "mock", "mock", 1);
    }

    @Test
    void outsideAUnitOfWorkTheReplayingSnapshotterDoesIt() {
        snapshotter.scheduleSnapshot(Team.class, TEAM);
        assertThat(replayed).containsExactly(TEAM);
        assertThat(engine.readSnapshot(TEAM)).isEmpty();
    }

    private static ReserveSpend reserve(String request, String user) {
        return new ReserveSpend(request, user, null, "key", "model", Money.of("0.0001"), TokenPrice.perMillion("0.6"),
                500, 16, Duration.ofMinutes(15), Map.of());
    }

    /** The team as its events up to {@code sequence} make it, rebuilt independently of any repository or cache. */
    private Team replay(long sequence) throws Exception {
        Constructor<Team> constructor = Team.class.getDeclaredConstructor();
        constructor.setAccessible(true);
        AggregateModel<Team> model = AnnotatedAggregateMetaModelFactory.inspectAggregate(Team.class);
        EventSourcedAggregate<Team> aggregate = EventSourcedAggregate.initialize(constructor.newInstance(), model,
                eventStore, NoSnapshotTriggerDefinition.TRIGGER);
        aggregate.initializeState(DomainEventStream.of(engine.readEvents(TEAM).asStream()
                .filter(event -> event.getSequenceNumber() <= sequence)));
        return aggregate.getAggregateRoot();
    }
}
