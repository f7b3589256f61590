package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.access.ChangeCredentialScope;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.price.PublishPrices;
import dev.tollgate.api.recalculation.ApproveRecalculation;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendLine;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.domain.team.Team;
import dev.tollgate.edge.support.RunningGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.tollgate.readmodel.Tables.AUDIT_LOG;
import static dev.tollgate.readmodel.Tables.BOOSTS;
import static dev.tollgate.readmodel.Tables.BUDGET_STATUS;
import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static dev.tollgate.readmodel.Tables.RECALCULATIONS;
import static dev.tollgate.readmodel.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Events stored by an earlier release still load: the fixture's rows (every event type and a Team snapshot, written
 * by {@link StoredEventsFixtureWriter} with that release) are put into a fresh event store, and this release starts on
 * it. Its serializer, upcasters and snapshot filter (as configured in the application) rebuild every aggregate,
 * which then decides as its history says, and the projections rebuild the read model from them.
 */
class StoredEventsCompatibilityTest {

    static final String FIXTURE = "/stored-events/v0.1-before-revisions.json";
    static final String TEAM = StoredEventsFixtureWriter.TEAM;
    static final TokenPrice OUTPUT = TokenPrice.perMillion("2");

    static StoredEvents fixture;
    static EmbeddedPostgres postgres;
    static RunningGateway gateway;
    static CommandGateway commands;
    static DSLContext dsl;

    @BeforeAll
    static void startOnTheStoredEvents() throws Exception {
        fixture = StoredEvents.read(FIXTURE);
        postgres = EmbeddedPostgres.builder().start();
        // the schema the release that wrote the fixture would have had at most; the application migrates the rest
        // at its start, over the stored events (V13 claims their user ids)
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration")
                .target("11").load().migrate();
        fixture.storeInto(postgres.getPostgresDatabase());
        gateway = RunningGateway.start(List.of("test"),
                "spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "spring.datasource.username=postgres");
        commands = gateway.bean(CommandGateway.class);
        dsl = gateway.bean(DSLContext.class);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theFixtureHoldsEveryEventTypeOfTheReleaseThatWroteIt() {
        assertThat(fixture.countByPayloadType().keySet())
                .containsExactlyInAnyOrderElementsOf(UnrevisionedEvents.RELEASE_0_1_TYPES);
        assertThat(fixture.snapshots()).extracting(StoredEvents.Row::type).contains("Team");
    }

    @Test
    void theApplicationReadsStoredEventsThroughTheUpcasterChain() {
        Configuration axon = gateway.bean(Configuration.class);
        StoredEvents.Row stored = fixture.of(TEAM).get(0);
        GenericDomainEventEntry<byte[]> entry = new GenericDomainEventEntry<>(stored.type(),
                stored.aggregateIdentifier(), stored.sequenceNumber(), stored.eventIdentifier(), stored.timeStamp(),
                stored.payloadType(), stored.payloadRevision(), stored.payload().getBytes(StandardCharsets.UTF_8),
                stored.metaData().getBytes(StandardCharsets.UTF_8));

        List<IntermediateEventRepresentation> read = axon.upcasterChain()
                .upcast(Stream.of(new InitialEventRepresentation(entry, axon.eventSerializer()))).toList();

        assertThat(read).singleElement().satisfies(event -> assertThat(event.getType().getRevision())
                .isEqualTo(TeamCreated.class.getAnnotation(Revision.class).value()));
    }

    @Test
    void aTeamRebuiltFromStoredEventsRemembersHowEachRequestEnded() {
        SpendBatchResult result = batch(
                new SettleSpend("fx-r1", "gpt-test", new Usage(1, 1, 0, 0), Money.of("0.1"), "v1", "p", "d", 1),
                new ReleaseReservation("fx-r2", "retried"),
                new SettleSpend("fx-r3", "gpt-test", new Usage(1, 1, 0, 0), Money.of("0.1"), "v1", "p", "d", 1),
                reserve("fx-r4", "fx-bob", null, null),
                new ReleaseReservation("fx-r5", "retried"));

        assertThat(result.outcomes()).containsExactly(
                new SpendOutcome.NotOpen("fx-r1", "settled"), new SpendOutcome.NotOpen("fx-r2", "released"),
                new SpendOutcome.NotOpen("fx-r3", "settled"), new SpendOutcome.NotOpen("fx-r4", "rejected"),
                new SpendOutcome.NotOpen("fx-r5", "expired"));
    }

    @Test
    void aTeamRebuiltFromStoredEventsKnowsItsMembersKeysAndRemovals() throws Exception {
        assertThatThrownBy(() -> commands.sendAndWait(new RegisterUser(TEAM, "fx-ada", null, "Ada", null, Set.of(),
                "master"))).isInstanceOf(CommandRefused.class).hasMessageContaining("already a member");
        assertThatThrownBy(() -> commands.sendAndWait(new RegisterUser(TEAM, "someone", "ada@example.org", "Ada",
                null, Set.of(), "master"))).isInstanceOf(CommandRefused.class).hasMessageContaining("ada@example.org");

        SpendBatchResult removed = batch(reserve("compat-carol", null, "carol", StoredEventsFixtureWriter.TEAM_KEY));
        assertThat(removed.outcomes().get(0)).isInstanceOfSatisfying(SpendOutcome.Rejected.class,
                rejected -> assertThat(rejected.limitingBudget()).isEqualTo("membership"));

        SpendBatchResult reserved = batch(reserve("compat-ada", "fx-ada", null, StoredEventsFixtureWriter.ADA_KEY));
        assertThat(reserved.outcomes().get(0)).isInstanceOf(SpendOutcome.Reserved.class);
        JsonNode event = new ObjectMapper().readTree(dsl.fetchValue("SELECT convert_from(payload, 'UTF8') FROM "
                + "domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE '%.SpendReserved' "
                + "ORDER BY sequencenumber DESC LIMIT 1", TEAM).toString());
        assertThat(event.path("requestId").asText()).isEqualTo("compat-ada");
        assertThat(event.path("userBalance").path("limit").asText()).as("Ada's own budget").isEqualTo("2");
        assertThat(event.path("keyBalance").path("limit").asText()).as("the key's budget").isEqualTo("5");
        assertThat(event.path("keyBalance").path("period").asText()).isEqualTo("daily");
    }

    @Test
    void theUserIdsOfStoredRegistrationsStayTheirTeams() {
        assertThat(dsl.fetch("SELECT user_id, team_id FROM user_id_claims ORDER BY user_id").intoMap(
                r -> r.get(0, String.class), r -> r.get(1, String.class))).containsExactlyInAnyOrderEntriesOf(Map.of(
                StoredEventsFixtureWriter.ADA, TEAM, StoredEventsFixtureWriter.BOB, TEAM, TEAM + ":carol", TEAM));
        commands.sendAndWait(new CreateTeam("compat-other", "Other", null, null, null, "master", "compatibility"));
        assertThatThrownBy(() -> commands.sendAndWait(new RegisterUser("compat-other", StoredEventsFixtureWriter.BOB,
                null, "Bob", null, Set.of(), "master"))).isInstanceOf(CommandRefused.class)
                .hasMessageContaining("unique across teams");
    }

    @Test
    void aTeamRebuiltFromStoredEventsDoesNotGrantABoostItsHistoryRevoked() {
        java.time.Instant now = java.time.Instant.now();
        assertThatThrownBy(() -> commands.sendAndWait(new GrantBoost(TEAM, "fx-boost-ada", "fx-ada", Money.of("1"),
                now, now.plusSeconds(86_400), "thesis", null, "master")))
                .isInstanceOfSatisfying(CommandRefused.class, refused -> assertThat(refused.reason())
                        .isEqualTo(CommandRefused.Reason.CONFLICT))
                .hasMessageContaining("has ended");
    }

    @Test
    void aTeamRebuiltFromStoredEventsIgnoresAnApprovalChunkItRecordedBefore() {
        int adjusted = commands.sendAndWait(new AdjustCosts(TEAM, "fx-recalc", Instant.now(), 0, List.of(), "master",
                "again"));
        assertThat(adjusted).isZero();
    }

    @Test
    void theOtherAggregatesRebuiltFromStoredEventsDecideAsTheirHistorySays() {
        assertThatThrownBy(() -> commands.sendAndWait(new RotateKey("fx-key-old", "d".repeat(64), "tg_x", "master",
                "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("revoked");
        assertThatThrownBy(() -> commands.sendAndWait(new ChangeCredentialScope("fx-cred", Role.ADMIN, Set.of(), null,
                "master", "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("revoked");
        assertThatThrownBy(() -> commands.sendAndWait(new ApproveRecalculation("fx-recalc", "master", "again")))
                .isInstanceOf(CommandRefused.class).hasMessageContaining("fx-recalc");
        assertThatThrownBy(() -> commands.sendAndWait(new ApproveRecalculation("fx-recalc-failed", "master",
                "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("fx-recalc-failed");

        int stored = dsl.fetchCount(dsl.selectOne().from("domainevententry")
                .where("aggregateidentifier = ?", PublishPrices.PRICE_BOOK));
        int version = commands.sendAndWait(new PublishPrices(PublishPrices.PRICE_BOOK, null, Map.of("gpt-fixture",
                new ModelPrice(TokenPrice.perMillion("1.5"), null, OUTPUT, null, null, null, false)), false, "api",
                "master", "compatibility"));
        assertThat(version).as("the next version after every stored one").isEqualTo(stored + 1);
    }

    @Test
    void aTeamSnapshotOfAnEarlierShapeIsSkippedAndTheTeamIsRebuiltFromItsEvents() {
        EventStorageEngine engine = gateway.bean(EventStorageEngine.class);
        assertThat(dsl.fetchValue("SELECT count(*) FROM snapshotevententry WHERE aggregateidentifier = ? "
                + "AND payloadrevision IS NULL", TEAM)).as("the stored snapshot of release 0.1").isEqualTo(1L);

        assertThat(engine.readSnapshot(TEAM)).as("a snapshot of another revision than Team's is not read").isEmpty();
        SpendBatchResult decided = batch(new ReleaseReservation("fx-r2", "retried"),
                reserve("compat-snapshot", "fx-bob", null, null));
        assertThat(decided.outcomes().get(0)).isEqualTo(new SpendOutcome.NotOpen("fx-r2", "released"));
        assertThat(decided.outcomes().get(1)).isInstanceOf(SpendOutcome.Reserved.class);

        // (a new snapshot needs a new event: one at the old snapshot's sequence number would collide with it)
        gateway.bean(Snapshotter.class).scheduleSnapshot(Team.class, TEAM);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.readSnapshot(TEAM).isPresent());
        assertThat(engine.readSnapshot(TEAM).get().getPayload()).isInstanceOf(Team.class);
        assertThat(dsl.fetchValue("SELECT payloadrevision FROM snapshotevententry WHERE aggregateidentifier = ? "
                + "ORDER BY sequencenumber DESC LIMIT 1", TEAM))
                .isEqualTo(Team.class.getAnnotation(Revision.class).value());
    }

    @Test
    void theProjectionsRebuildTheReadModelFromStoredEvents() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(dsl.select(MESSAGE_COSTS.REQUEST_ID, MESSAGE_COSTS.OUTCOME).from(MESSAGE_COSTS)
                    .where(MESSAGE_COSTS.REQUEST_ID.like("fx-%")).fetchMap(MESSAGE_COSTS.REQUEST_ID,
                            MESSAGE_COSTS.OUTCOME)).isEqualTo(Map.of("fx-r1", "settled", "fx-r2", "released",
                    "fx-r3", "settled", "fx-r4", "rejected", "fx-r5", "expired"));
            assertThat(dsl.fetchValue(MESSAGE_COSTS.ADJUSTED_COST, MESSAGE_COSTS.REQUEST_ID.eq("fx-r1")))
                    .isEqualByComparingTo("0.0025");
            assertThat(dsl.fetchValue(MESSAGE_COSTS.FLAGGED, MESSAGE_COSTS.REQUEST_ID.eq("fx-r5"))).isTrue();
            assertThat(dsl.fetchValue(USERS.REMOVED_AT, USERS.USER_ID.eq(TEAM + ":carol"))).isNotNull();
            // (api_keys and admin_credentials are written with the events that change them, never replayed)
            assertThat(dsl.select(AUDIT_LOG.ACTION).from(AUDIT_LOG).where(AUDIT_LOG.ENTITY_ID.eq("fx-key-ada"))
                    .fetch(AUDIT_LOG.ACTION)).containsExactlyInAnyOrder("key.issued", "key.rotated", "key.budget_set");
            assertThat(dsl.select(RECALCULATIONS.RECALCULATION_ID, RECALCULATIONS.STATUS).from(RECALCULATIONS)
                    .fetchMap(RECALCULATIONS.RECALCULATION_ID, RECALCULATIONS.STATUS))
                    .containsEntry("fx-recalc", "applied").containsEntry("fx-recalc-failed", "failed");
            assertThat(dsl.select(BOOSTS.BOOST_ID, BOOSTS.END_KIND).from(BOOSTS).where(BOOSTS.TEAM_ID.eq(TEAM))
                    .and(BOOSTS.COHORT_ID.isNull()).fetchMap(BOOSTS.BOOST_ID, BOOSTS.END_KIND))
                    .containsEntry("fx-boost-ada", "revoked").containsEntry("fx-boost-short", "expired");
            assertThat(dsl.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq("fx-cred"))).isEqualTo(3);
            var bob = dsl.selectFrom(BUDGET_STATUS).where(BUDGET_STATUS.ACCOUNT_TYPE.eq("user"))
                    .and(BUDGET_STATUS.ACCOUNT_ID.eq("fx-bob")).fetchOne();
            assertThat(bob).isNotNull();
            assertThat(bob.getBudgetLimit()).isEqualByComparingTo("3");
            assertThat(bob.getBudgetPeriod()).isEqualTo("weekly");
            assertThat(bob.getSpent()).isEqualByComparingTo(BigDecimal.ZERO);
        });
    }

    private static ReserveSpend reserve(String requestId, String userId, String externalUserId, String keyId) {
        return new ReserveSpend(requestId, userId, externalUserId, keyId, "gpt-test", Money.of("0.001"), OUTPUT, 10,
                1, Duration.ofMinutes(15), Map.of());
    }

    private static SpendBatchResult batch(SpendLine... lines) {
        return commands.sendAndWait(new RecordSpendBatch(TEAM, List.of(lines)));
    }
}
