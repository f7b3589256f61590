package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.access.ChangeCredentialScope;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.alert.RemoveThreshold;
import dev.tollgate.api.alert.RegisterWebhookEndpoint;
import dev.tollgate.api.alert.RemoveWebhookEndpoint;
import dev.tollgate.api.alert.SetThreshold;
import dev.tollgate.api.alert.ThresholdKind;
import dev.tollgate.api.alert.ThresholdScope;
import dev.tollgate.api.boost.ConfirmCohortBoostDistribution;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.identity.LinkIdentity;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.IssueMemberKey;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.keypolicy.SetKeyPolicy;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.keypolicy.KeyPolicyTerms;
import dev.tollgate.api.move.AdmitMovedUser;
import dev.tollgate.api.move.MoveKey;
import dev.tollgate.api.price.PublishPrices;
import dev.tollgate.api.priceproposal.ApprovePriceProposal;
import dev.tollgate.api.privacy.DataSubject;
import dev.tollgate.api.privacy.PersonalData;
import dev.tollgate.api.privacy.PersonalDataErased;
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
import dev.tollgate.api.topup.TopUpBudget;
import dev.tollgate.domain.team.Team;
import dev.tollgate.edge.boost.CohortBoostDistributor;
import dev.tollgate.edge.config.AxonConfiguration;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.jdbc.DataSourceConnectionProvider;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.RecordComponent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.ADA;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.ADA_KEY;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.BOB;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.COHORT_CONFIRMED;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.COHORT_ENDS_AT;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.COHORT_LEGACY;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.COHORT_MANAGER;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.CY;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.CY_KEY;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.DEE;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.FAY;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.GUS;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.TEAM_B;
import static dev.tollgate.edge.storedevents.StoredEventsFixtureWriter.TEAM_KEY;
import static dev.tollgate.readmodel.Tables.AUDIT_LOG;
import static dev.tollgate.readmodel.Tables.BOOSTS;
import static dev.tollgate.readmodel.Tables.BUDGET_STATUS;
import static dev.tollgate.readmodel.Tables.COHORT_BOOSTS;
import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static dev.tollgate.readmodel.Tables.RECALCULATIONS;
import static dev.tollgate.readmodel.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Events stored by an earlier release still load: each fixture's rows (every event type of its release and a Team
 * snapshot, written by {@link StoredEventsFixtureWriter} with that release) are put into a fresh event store at the
 * schema that release ran on, and this release starts on it. Its serializer, upcasters and snapshot filter (as
 * configured in the application) read every stored event as today's class, rebuild every aggregate, which then
 * decides as its history says, and the projections rebuild the read model from them.
 * <p>
 * One nested class per fixture, each on a gateway of its own; the checks every fixture must pass are in
 * {@link StoredRelease}, those of what a release stored that earlier ones did not are in its own class.
 */
class StoredEventsCompatibilityTest {

    /** Release 0.1: events and snapshots without a revision. */
    static final String RELEASE_0_1 = "/stored-events/v0.1-before-revisions.json";
    /** Main on 2026-12-07: every event type, revisions everywhere, a Team snapshot of revision 7. */
    static final String RELEASE_0_2 = "/stored-events/v0.2-2026-12-07.json";
    /** Main later on 2026-12-07: a cohort boost's distribution recorded (CohortBoostDistributed). */
    static final String RELEASE_0_3 = "/stored-events/v0.3-2026-12-07.json";
    /**
     * Main on the evening of 2026-12-07: a cohort grant repeated before its distribution was recorded
     * (CohortBoostGrantRepeated) and the distribution then recorded without a record of its skipped members
     * (CohortBoostDistributedWithoutRecord); and a cohort boost as a release before 2026-12-07 left it, its
     * distribution unrecorded, a member skipped.
     */
    static final String RELEASE_0_4 = "/stored-events/v0.4-2026-12-07.json";
    /** Every fixture, oldest first: a release that changes what it stores adds its own at the end. */
    static final List<String> FIXTURES = List.of(RELEASE_0_1, RELEASE_0_2, RELEASE_0_3, RELEASE_0_4);

    static final String TEAM = StoredEventsFixtureWriter.TEAM;
    static final TokenPrice OUTPUT = TokenPrice.perMillion("2");

    /** The event types main stored on 2026-12-07 (the release that wrote {@link #RELEASE_0_2}). */
    static final Set<String> RELEASE_0_2_TYPES = Set.of(
            "dev.tollgate.api.access.CredentialIssued", "dev.tollgate.api.access.CredentialRevoked",
            "dev.tollgate.api.access.CredentialScopeChanged", "dev.tollgate.api.alert.BudgetThresholdCrossed",
            "dev.tollgate.api.alert.ThresholdRemoved", "dev.tollgate.api.alert.ThresholdSet",
            "dev.tollgate.api.alert.WebhookEndpointRegistered", "dev.tollgate.api.alert.WebhookEndpointRemoved",
            "dev.tollgate.api.boost.BoostExpired", "dev.tollgate.api.boost.BoostGranted",
            "dev.tollgate.api.boost.BoostRevoked", "dev.tollgate.api.boost.CohortBoostGranted",
            "dev.tollgate.api.boost.CohortBoostRevoked", "dev.tollgate.api.identity.IdentityLinked",
            "dev.tollgate.api.key.KeyIssued", "dev.tollgate.api.key.KeyRevoked", "dev.tollgate.api.key.KeyRotated",
            "dev.tollgate.api.keypolicy.KeyPolicySet", "dev.tollgate.api.move.KeyMoved",
            "dev.tollgate.api.move.UserMoveAwaitingReservations", "dev.tollgate.api.move.UserMoveCancelled",
            "dev.tollgate.api.move.UserMoveStarted", "dev.tollgate.api.move.UserMovedIn",
            "dev.tollgate.api.move.UserMovedOut", "dev.tollgate.api.price.PricesPublished",
            "dev.tollgate.api.priceproposal.PriceProposalApproved",
            "dev.tollgate.api.priceproposal.PriceProposalRejected", "dev.tollgate.api.priceproposal.PricesProposed",
            "dev.tollgate.api.privacy.PersonalDataErased", "dev.tollgate.api.recalculation.RecalculationApplied",
            "dev.tollgate.api.recalculation.RecalculationApproved",
            "dev.tollgate.api.recalculation.RecalculationCompleted",
            "dev.tollgate.api.recalculation.RecalculationFailed",
            "dev.tollgate.api.recalculation.RecalculationStarted",
            "dev.tollgate.api.recalculation.RecalculationSuperseded", "dev.tollgate.api.spend.CostAdjusted",
            "dev.tollgate.api.spend.ReservationExpired", "dev.tollgate.api.spend.ReservationReleased",
            "dev.tollgate.api.spend.SpendOverran", "dev.tollgate.api.spend.SpendRejected",
            "dev.tollgate.api.spend.SpendReserved", "dev.tollgate.api.spend.SpendSettled",
            "dev.tollgate.api.team.KeyBudgetSet", "dev.tollgate.api.team.MemberKeyIssued",
            "dev.tollgate.api.team.TeamBudgetSet", "dev.tollgate.api.team.TeamCreated",
            "dev.tollgate.api.team.UserBudgetSet", "dev.tollgate.api.team.UserRegistered",
            "dev.tollgate.api.team.UserRemoved", "dev.tollgate.api.team.UserTagsSet",
            "dev.tollgate.api.topup.BudgetToppedUp");

    @Nested
    class Release01 extends StoredRelease {

        Release01() {
            super(RELEASE_0_1, UnrevisionedEvents.RELEASE_0_1_TYPES,
                    Map.of(ADA, TEAM, BOB, TEAM, TEAM + ":carol", TEAM),
                    // (no overrun was stored: release 0.1 did not settle Bob's request, fx-r6)
                    BigDecimal.ZERO);
        }
    }

    /** The event types of {@link #RELEASE_0_3}: those of 0.2 and a cohort boost's distribution. */
    static final Set<String> RELEASE_0_3_TYPES = java.util.stream.Stream.concat(RELEASE_0_2_TYPES.stream(),
            java.util.stream.Stream.of("dev.tollgate.api.boost.CohortBoostDistributed"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    @Nested
    class Release03 extends StoredRelease {

        Release03() {
            super(RELEASE_0_3, RELEASE_0_3_TYPES,
                    Map.of(ADA, TEAM, BOB, TEAM, TEAM + ":carol", TEAM, CY, TEAM_B, DEE, TEAM, FAY, TEAM, GUS, TEAM),
                    new BigDecimal("0.0021"));
        }

        @Test
        void aCohortBoostsDistributionIsRecordedOnce() {
            commands.sendAndWait(new dev.tollgate.api.boost.RecordCohortBoostDistribution("fx-cohort", List.of()));
            assertThat(dsl.fetchCount(dsl.selectOne().from("domainevententry")
                    .where("aggregateidentifier = 'fx-cohort'")
                    .and("payloadtype = 'dev.tollgate.api.boost.CohortBoostDistributed'"))).isEqualTo(1);
        }
    }

    /** The event types of {@link #RELEASE_0_4}: those of 0.3, a repeated cohort grant and what it confirmed. */
    static final Set<String> RELEASE_0_4_TYPES = Stream.concat(RELEASE_0_3_TYPES.stream(),
            Stream.of("dev.tollgate.api.boost.CohortBoostGrantRepeated",
                    "dev.tollgate.api.boost.CohortBoostDistributedWithoutRecord"))
            .collect(Collectors.toUnmodifiableSet());

    /**
     * On the stored rows of a deployment whose cohort boost distributor had handled them all, as it would have (a
     * fixture holds no processor's position: without this the distributor would start at the first stored event and
     * offer every stored cohort boost's shares again, recording its distribution).
     */
    @Nested
    class Release04 extends StoredRelease {

        static final String MASTER = GatewayTestSupport.MASTER_KEY;

        Release04() {
            super(RELEASE_0_4, RELEASE_0_4_TYPES,
                    Map.of(ADA, TEAM, BOB, TEAM, TEAM + ":carol", TEAM, CY, TEAM_B, DEE, TEAM, FAY, TEAM, GUS, TEAM),
                    new BigDecimal("0.0021"));
            distributorPastTheStoredEvents = true;
        }

        /**
         * A cohort boost granted before distributions were recorded, Bob skipped (past the manager's cap): no record of
         * it will ever come, and a retry of the grant waited for Bob's share until it answered 503. It answers 201 at
         * once, as the first answer did: the members boosted, none named skipped (that was not recorded), nothing
         * granted again.
         */
        @Test
        void aRetryOfACohortBoostGrantedBeforeDistributionsWereRecordedAnswers201AtOnceAndGrantsNothingAgain() {
            assertThat(fixture.of(COHORT_LEGACY)).as("stored as a release before V14 stored it: no distribution")
                    .extracting(StoredEvents.Row::payloadType, StoredEvents.Row::payloadRevision)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("dev.tollgate.api.boost.CohortBoostGranted",
                            "2"));
            awaitTheDirectory(COHORT_LEGACY, 1);
            long teamEvents = events(TEAM);
            Map<String, Object> grant = Map.of("id", COHORT_LEGACY, "target", "users", "user_ids", List.of(BOB, ADA),
                    "amount", "0.5", "ends_at", COHORT_ENDS_AT.toString(), "reason", "summer school");

            Instant sent = Instant.now();
            Http.Response retried = gateway.http().post("/admin/boosts", MASTER, grant);
            Duration took = Duration.between(sent, Instant.now());

            assertThat(retried.status()).as(retried.body()).isEqualTo(201);
            assertThat(took).as("far within the read model's wait (10 s)").isLessThan(Duration.ofSeconds(5));
            JsonNode body = retried.json();
            assertThat(body.path("id").asText()).isEqualTo(COHORT_LEGACY);
            assertThat(body.path("kind").asText()).isEqualTo("cohort");
            assertThat(body.path("cohort").path("member_count").asInt()).isEqualTo(2);
            assertThat(body.path("cohort").path("granted_by").asText()).isEqualTo(COHORT_MANAGER);
            assertThat(body.path("cohort").path("skipped")).as("who was skipped was not recorded").isEmpty();
            assertThat(body.path("accounts").findValuesAsText("user_id")).as("the members boosted")
                    .containsExactly(ADA);
            assertThat(body.path("accounts").get(0).path("amount").asText()).isEqualTo("0.5");
            assertThat(events(TEAM)).as("no share offered again: Bob stays skipped").isEqualTo(teamEvents);
            assertThat(events(COHORT_LEGACY, "dev.tollgate.api.boost.CohortBoostDistributedWithoutRecord"))
                    .isEqualTo(1);

            Http.Response again = gateway.http().post("/admin/boosts", MASTER, grant);
            assertThat(again.status()).as(again.body()).isEqualTo(201);
            assertThat(again.json()).as("answered as the retry before it was").isEqualTo(body);
            assertThat(events(COHORT_LEGACY, "dev.tollgate.api.boost.CohortBoostGrantRepeated"))
                    .as("distributed now: a retry records nothing").isEqualTo(1);
        }

        @Test
        void aCohortBoostRecordedAsDistributedWithoutARecordAnswersARetryAtOnceAndRecordsNothing() {
            awaitTheDirectory(COHORT_CONFIRMED, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(dsl.fetchValue(
                    COHORT_BOOSTS.SKIPPED_UNRECORDED, COHORT_BOOSTS.BOOST_ID.eq(COHORT_CONFIRMED))));

            assertNoNewEvent(COHORT_CONFIRMED, () -> {
                Http.Response retried = gateway.http().post("/admin/boosts", MASTER, Map.of("id", COHORT_CONFIRMED,
                        "target", "users", "user_ids", List.of(ADA), "amount", "0.25",
                        "ends_at", COHORT_ENDS_AT.toString(), "reason", "reading week"));
                assertThat(retried.status()).as(retried.body()).isEqualTo(201);
                assertThat(retried.json().path("accounts").findValuesAsText("user_id")).containsExactly(ADA);
            });
            assertNoNewEvent(COHORT_CONFIRMED, () -> commands.sendAndWait(
                    new ConfirmCohortBoostDistribution(COHORT_CONFIRMED)));
        }

        /**
         * Releases 0.3 and 0.4 stored each KeyIssued with a property {@code suedByOwner} (Jackson took
         * {@code issuedByOwner()} for the is-getter of one): those still read as KeyIssued, their owner as their
         * actor says, and a key issued now is stored with the event's components alone.
         */
        @Test
        void aKeyIssuedStoredWithSuedByOwnerReadsAndOneIssuedNowIsStoredWithoutIt() throws Exception {
            Configuration axon = gateway.bean(Configuration.class);
            Serializer serializer = axon.eventSerializer();
            List<StoredEvents.Row> stored = fixture.events().stream()
                    .filter(row -> row.payloadType().equals(KeyIssued.class.getName()))
                    .filter(row -> readTree(row.payload()).has("suedByOwner")).toList();
            assertThat(stored).as("KeyIssued as release 0.4 stored it").isNotEmpty();
            for (StoredEvents.Row row : stored) {
                IntermediateEventRepresentation event = axon.upcasterChain().upcast(Stream.of(
                        new InitialEventRepresentation(entry(row), serializer))).toList().get(0);
                Object read = serializer.deserialize(event.getData());
                assertThat(read).isInstanceOfSatisfying(KeyIssued.class, issued -> assertThat(issued.issuedByOwner())
                        .isEqualTo(readTree(row.payload()).path("suedByOwner").asBoolean()));
            }

            commands.sendAndWait(memberKey(TEAM, FAY, "compat-key-now", null));

            JsonNode written = readTree(dsl.fetchValue("SELECT convert_from(payload, 'UTF8') FROM domainevententry "
                    + "WHERE aggregateidentifier = ? AND payloadtype = ?", "compat-key-now",
                    KeyIssued.class.getName()).toString());
            List<String> names = new ArrayList<>();
            written.fieldNames().forEachRemaining(names::add);
            assertThat(names).doesNotContain("suedByOwner").containsExactlyInAnyOrderElementsOf(Stream.of(
                    KeyIssued.class.getRecordComponents()).map(RecordComponent::getName).toList());
        }

        /** The directory has read the stored events: the cohort boost's rows and its users are there. */
        private void awaitTheDirectory(String boostId, int rows) {
            await().atMost(Duration.ofSeconds(30)).until(() -> dsl.fetchCount(BOOSTS, BOOSTS.BOOST_ID.eq(boostId))
                    == rows && dsl.fetchCount(USERS, USERS.USER_ID.in(ADA, BOB)) == 2);
        }
    }

    @Nested
    class Release02 extends StoredRelease {

        Release02() {
            super(RELEASE_0_2, RELEASE_0_2_TYPES,
                    Map.of(ADA, TEAM, BOB, TEAM, TEAM + ":carol", TEAM, CY, TEAM_B, DEE, TEAM, FAY, TEAM, GUS, TEAM),
                    new BigDecimal("0.0021"));
        }

        @Test
        void aMemberMovedOutIsNoLongerTheOldTeamsAndTheNewTeamAndTheirKeyKnowTheMove() {
            assertThatThrownBy(() -> commands.sendAndWait(memberKey(TEAM, CY, "compat-key-cy", null)))
                    .isInstanceOf(CommandRefused.class).hasMessageContaining("not a member of team '" + TEAM + "'");

            assertNoNewEvent(TEAM_B, () -> commands.sendAndWait(new AdmitMovedUser(TEAM_B, "fx-move", CY, TEAM, null,
                    Set.of(), "master", "again")));
            assertNoNewEvent(CY_KEY, () -> commands.sendAndWait(new MoveKey(CY_KEY, TEAM_B, "fx-move", "master",
                    new KeyPolicyTerms(100, null, List.of(), null, null), 0)));
        }

        @Test
        void aMoveTheNewTeamRefusedLeftTheMemberFreeToHoldKeysInTheirTeam() {
            commands.sendAndWait(memberKey(TEAM, FAY, "compat-key-fay", null));

            assertThat(events("compat-key-fay")).isEqualTo(1);
        }

        @Test
        void aTeamRebuiltFromStoredEventsCountsTheKeysItLetAMemberHold() {
            assertThatThrownBy(() -> commands.sendAndWait(memberKey(TEAM, ADA, "compat-key-ada", 1)))
                    .isInstanceOfSatisfying(CommandRefused.class, refused -> assertThat(refused.code())
                            .isEqualTo("key_limit_reached"));
        }

        @Test
        void aTopUpIsMadeOnceAndItsIdStaysTaken() {
            assertNoNewEvent(TEAM, () -> commands.sendAndWait(new TopUpBudget(TEAM, "fx-topup", DEE,
                    Money.of("0.01"), "master", "a client's retry")));
            assertThatThrownBy(() -> commands.sendAndWait(new TopUpBudget(TEAM, "fx-topup", DEE, Money.of("5"),
                    "master", "another amount"))).isInstanceOfSatisfying(CommandRefused.class, refused ->
                    assertThat(refused.reason()).isEqualTo(CommandRefused.Reason.CONFLICT))
                    .hasMessageContaining("already made");
        }

        @Test
        void aTeamRebuiltFromStoredEventsKnowsItsThresholdsAndWhichItsMembersCrossed() {
            assertThatThrownBy(() -> commands.sendAndWait(new RemoveThreshold(TEAM, "fx-th-removed", "master",
                    "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("fx-th-removed");
            assertNoNewEvent(TEAM, () -> commands.sendAndWait(new SetThreshold(TEAM, "fx-th-dee", ThresholdScope.USER,
                    DEE, ThresholdKind.PERCENT, 10, "master", "set again")));
            long crossed = events(TEAM, "dev.tollgate.api.alert.BudgetThresholdCrossed");

            SpendBatchResult spent = batch(reserve("compat-dee", DEE, null, null));
            assertThat(spent.outcomes().get(0)).isInstanceOf(SpendOutcome.Reserved.class);
            batch(new SettleSpend("compat-dee", "gpt-test", new Usage(10, 10, 0, 0), Money.of("0.001"), "v1", "p",
                    "d", 1));

            assertThat(events(TEAM, "dev.tollgate.api.alert.BudgetThresholdCrossed"))
                    .as("Dee crossed it in her allowance already: no second alert").isEqualTo(crossed);
        }

        @Test
        void anErasedMembersExternalIdIsNoLongerHeldByTheTeam() {
            commands.sendAndWait(new RegisterUser(TEAM, "compat-gus", "gus@example.org", "Gus", null, Set.of(),
                    "master"));

            assertThatThrownBy(() -> commands.sendAndWait(new RegisterUser(TEAM, "compat-dee", "dee@example.org",
                    "Dee", null, Set.of(), "master"))).isInstanceOf(CommandRefused.class)
                    .hasMessageContaining("dee@example.org");
        }

        @Test
        void theAggregatesAddedSinceRelease01DecideAsTheirHistorySays() {
            assertNoNewEvent("fx-hook", () -> commands.sendAndWait(new RemoveWebhookEndpoint("fx-hook", "master",
                    "again")));
            assertThatThrownBy(() -> commands.sendAndWait(new ApprovePriceProposal("fx-proposal", 9, "master",
                    "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("approved already");
            assertThatThrownBy(() -> commands.sendAndWait(new ApprovePriceProposal("fx-proposal-rejected", 9,
                    "master", "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("rejected already");
            assertThatThrownBy(() -> commands.sendAndWait(new LinkIdentity(LinkIdentity.identityId(ADA), ADA,
                    "https://sso.example.org", "someone-else", TEAM, Set.of(), Map.of(), "sso")))
                    .isInstanceOf(CommandRefused.class).hasMessageContaining("another identity");
            assertThatThrownBy(() -> commands.sendAndWait(new ApproveRecalculation("fx-recalc-superseded", "master",
                    "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("superseded");

            String policy = SetKeyPolicy.policyId(TEAM);
            commands.sendAndWait(new SetKeyPolicy(policy, TEAM, 5, null, List.of(), null, null, "master", "again"));
            assertThat(dsl.fetchValue("SELECT max(sequencenumber) FROM domainevententry WHERE aggregateidentifier = ?",
                    policy)).as("the policy's next event follows its stored one").isEqualTo(1L);

            // the endpoint this release removed is registered again under its id, after its stored events
            commands.sendAndWait(new RegisterWebhookEndpoint("fx-hook", "https://hooks.example.org/again",
                    Set.of(TEAM), null, "fedcba9876543210", "master", "again"));
            assertThat(dsl.fetchValue("SELECT max(sequencenumber) FROM domainevententry WHERE aggregateidentifier = ?",
                    "fx-hook")).as("registered again after its registration and removal").isEqualTo(2L);
            assertThatThrownBy(() -> commands.sendAndWait(new RegisterWebhookEndpoint("fx-hook",
                    "https://hooks.example.org/third", Set.of(TEAM), null, "0123456789abcdef", "master", "again")))
                    .isInstanceOf(CommandRefused.class).hasMessageContaining("registered already");
        }

        @Test
        void theProjectionsRebuildWhatWasStoredSinceRelease01() {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(dsl.fetchValue(USERS.TEAM_ID, USERS.USER_ID.eq(CY))).isEqualTo(TEAM_B);
                assertThat(dsl.select(AUDIT_LOG.ACTION).from(AUDIT_LOG).where(AUDIT_LOG.ENTITY_ID.eq(ADA))
                        .fetch(AUDIT_LOG.ACTION)).contains("user.identity_linked");
                assertThat(dsl.select(RECALCULATIONS.RECALCULATION_ID, RECALCULATIONS.STATUS).from(RECALCULATIONS)
                        .fetchMap(RECALCULATIONS.RECALCULATION_ID, RECALCULATIONS.STATUS))
                        .containsEntry("fx-recalc-superseded", "superseded");
            });
        }
    }

    /** The checks every fixture passes, on a gateway started on its stored rows. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class StoredRelease {

        final String resource;
        final Set<String> types;
        final Map<String, String> claims;
        final BigDecimal bobSpent;

        /** The cohort boost distributor starts after the stored events, as in the deployment that stored them. */
        boolean distributorPastTheStoredEvents;
        StoredEvents fixture;
        EmbeddedPostgres postgres;
        RunningGateway gateway;
        CommandGateway commands;
        DSLContext dsl;

        /**
         * @param types    the event types of the release that wrote it
         * @param claims   which team holds each of its user ids
         * @param bobSpent what Bob spent in his last stored period
         */
        StoredRelease(String resource, Set<String> types, Map<String, String> claims, BigDecimal bobSpent) {
            this.resource = resource;
            this.types = types;
            this.claims = claims;
            this.bobSpent = bobSpent;
        }

        @BeforeAll
        void startOnTheStoredEvents() throws Exception {
            fixture = StoredEvents.read(resource);
            postgres = EmbeddedPostgres.builder().start();
            // the schema of the release that wrote the fixture; the application migrates the rest at its start, over
            // the stored events (V13 claims the user ids of release 0.1's registrations)
            Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration")
                    .target(fixture.schemaVersion()).load().migrate();
            fixture.storeInto(postgres.getPostgresDatabase());
            if (distributorPastTheStoredEvents) {
                long head = DSL.using(postgres.getPostgresDatabase(), SQLDialect.POSTGRES)
                        .resultQuery("SELECT max(globalindex) FROM domainevententry").fetchOne(0, Long.class);
                JdbcTokenStore.builder().connectionProvider(new DataSourceConnectionProvider(
                                postgres.getPostgresDatabase())).serializer(AxonConfiguration.jackson()).build()
                        .initializeTokenSegments(CohortBoostDistributor.PROCESSING_GROUP, 1,
                                GapAwareTrackingToken.newInstance(head, Set.of()));
            }
            gateway = RunningGateway.start(List.of("test"),
                    "spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                    "spring.datasource.username=postgres");
            commands = gateway.bean(CommandGateway.class);
            dsl = gateway.bean(DSLContext.class);
        }

        @AfterAll
        void stop() throws Exception {
            if (gateway != null) {
                gateway.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }

        @Test
        void theFixtureHoldsEveryEventTypeOfTheReleaseThatWroteIt() {
            assertThat(fixture.countByPayloadType().keySet()).containsExactlyInAnyOrderElementsOf(types);
            assertThat(fixture.snapshots()).extracting(StoredEvents.Row::type).contains("Team");
        }

        @Test
        void theApplicationReadsStoredEventsThroughTheUpcasterChain() {
            Configuration axon = gateway.bean(Configuration.class);
            StoredEvents.Row stored = fixture.of(TEAM).get(0);

            List<IntermediateEventRepresentation> read = axon.upcasterChain()
                    .upcast(Stream.of(new InitialEventRepresentation(entry(stored), axon.eventSerializer()))).toList();

            assertThat(read).singleElement().satisfies(event -> assertThat(event.getType().getRevision())
                    .isEqualTo(TeamCreated.class.getAnnotation(Revision.class).value()));
        }

        /**
         * Each stored event, through the application's upcasters, becomes today's class at its revision with every
         * field it had, and with every field that today's code always writes (those no event of that type in the
         * newest fixture lacks): an upcaster must fill a field that was added since.
         */
        @Test
        void everyStoredEventIsReadAsItsCurrentClassWithTheFieldsItRequires() throws Exception {
            Configuration axon = gateway.bean(Configuration.class);
            Serializer serializer = axon.eventSerializer();
            List<IntermediateEventRepresentation> read = axon.upcasterChain().upcast(fixture.events().stream()
                    .map(row -> new InitialEventRepresentation(entry(row), serializer))).toList();
            Map<String, Set<String>> required = requiredComponents();
            Set<String> erased = fixture.events().stream()
                    .filter(row -> row.payloadType().equals(PersonalDataErased.class.getName()))
                    .map(row -> readTree(row.payload()).path("userId").asText()).collect(Collectors.toSet());

            assertThat(read).hasSameSizeAs(fixture.events());
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < read.size(); i++) {
                StoredEvents.Row row = fixture.events().get(i);
                IntermediateEventRepresentation event = read.get(i);
                String where = row.payloadType() + " #" + row.sequenceNumber() + " of " + row.aggregateIdentifier();
                Class<?> type = Class.forName(event.getType().getName());
                assertThat(event.getType().getRevision()).as(where)
                        .isEqualTo(type.getAnnotation(Revision.class).value());
                Object payload = serializer.deserialize(event.getData());
                assertThat(payload).as(where).isInstanceOf(type);
                JsonNode stored = event.getData(JsonNode.class).getData();
                Object subject = Stream.of(type.getRecordComponents())
                        .filter(component -> component.isAnnotationPresent(DataSubject.class)).findFirst()
                        .map(component -> read(component, payload)).orElse(null);
                for (RecordComponent component : type.getRecordComponents()) {
                    Object value = read(component, payload);
                    if (value == null && component.isAnnotationPresent(PersonalData.class)
                            && erased.contains(subject)) {
                        continue; // erased: their key is destroyed, their personal data reads as gone
                    }
                    JsonNode json = stored.get(component.getName());
                    if (value == null && json != null && !json.isNull()) {
                        problems.add(where + ": " + component.getName() + " was stored as " + json + " but reads as null");
                    }
                    if (value == null && required.getOrDefault(type.getName(), Set.of()).contains(component.getName())) {
                        problems.add(where + ": " + component.getName() + " is null; today's code always writes it");
                    }
                }
            }
            assertThat(problems).isEmpty();
        }

        @Test
        void aTeamRebuiltFromStoredEventsRemembersHowEachRequestEnded() {
            SpendBatchResult result = batch(
                    new SettleSpend("fx-r1", "gpt-test", new Usage(1, 1, 0, 0), Money.of("0.1"), "v1", "p", "d", 1),
                    new ReleaseReservation("fx-r2", "retried"),
                    new SettleSpend("fx-r3", "gpt-test", new Usage(1, 1, 0, 0), Money.of("0.1"), "v1", "p", "d", 1),
                    reserve("fx-r4", BOB, null, null),
                    new ReleaseReservation("fx-r5", "retried"));

            assertThat(result.outcomes()).containsExactly(
                    new SpendOutcome.NotOpen("fx-r1", "settled"), new SpendOutcome.NotOpen("fx-r2", "released"),
                    new SpendOutcome.NotOpen("fx-r3", "settled"), new SpendOutcome.NotOpen("fx-r4", "rejected"),
                    new SpendOutcome.NotOpen("fx-r5", "expired"));
        }

        @Test
        void aTeamRebuiltFromStoredEventsKnowsItsMembersKeysAndRemovals() throws Exception {
            assertThatThrownBy(() -> commands.sendAndWait(new RegisterUser(TEAM, ADA, null, "Ada", null, Set.of(),
                    "master"))).isInstanceOf(CommandRefused.class).hasMessageContaining("already a member");
            assertThatThrownBy(() -> commands.sendAndWait(new RegisterUser(TEAM, "someone", "ada@example.org", "Ada",
                    null, Set.of(), "master"))).isInstanceOf(CommandRefused.class)
                    .hasMessageContaining("ada@example.org");

            SpendBatchResult removed = batch(reserve("compat-carol", null, "carol", TEAM_KEY));
            assertThat(removed.outcomes().get(0)).isInstanceOfSatisfying(SpendOutcome.Rejected.class,
                    rejected -> assertThat(rejected.limitingBudget()).isEqualTo("membership"));

            SpendBatchResult reserved = batch(reserve("compat-ada", ADA, null, ADA_KEY));
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
            // (the fixture's ids: other checks register some of their own)
            assertThat(dsl.fetch("SELECT user_id, team_id FROM user_id_claims WHERE user_id LIKE 'fx-%' ORDER BY "
                    + "user_id").intoMap(r -> r.get(0, String.class), r -> r.get(1, String.class)))
                    .containsExactlyInAnyOrderEntriesOf(claims);
            commands.sendAndWait(new CreateTeam("compat-other", "Other", null, null, null, "master", "compatibility"));
            assertThatThrownBy(() -> commands.sendAndWait(new RegisterUser("compat-other", BOB, null, "Bob", null,
                    Set.of(), "master"))).isInstanceOf(CommandRefused.class).hasMessageContaining("unique across teams");
        }

        @Test
        void aTeamRebuiltFromStoredEventsDoesNotGrantABoostItsHistoryRevoked() {
            Instant now = Instant.now();
            assertThatThrownBy(() -> commands.sendAndWait(new GrantBoost(TEAM, "fx-boost-ada", ADA, Money.of("1"),
                    now, now.plusSeconds(86_400), "thesis", null, "master")))
                    .isInstanceOfSatisfying(CommandRefused.class, refused -> assertThat(refused.reason())
                            .isEqualTo(CommandRefused.Reason.CONFLICT))
                    .hasMessageContaining("has ended");
        }

        @Test
        void aTeamRebuiltFromStoredEventsIgnoresAnApprovalChunkItRecordedBefore() {
            int adjusted = commands.sendAndWait(new AdjustCosts(TEAM, "fx-recalc", Instant.now(), 0, List.of(),
                    "master", "again"));
            assertThat(adjusted).isZero();
        }

        @Test
        void theOtherAggregatesRebuiltFromStoredEventsDecideAsTheirHistorySays() {
            assertThatThrownBy(() -> commands.sendAndWait(new RotateKey("fx-key-old", null, "d".repeat(64), "tg_x",
                    "master", "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("revoked");
            assertThatThrownBy(() -> commands.sendAndWait(new ChangeCredentialScope("fx-cred", Role.ADMIN, Set.of(),
                    null, "master", "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("revoked");
            assertThatThrownBy(() -> commands.sendAndWait(new ApproveRecalculation("fx-recalc", "master", "again")))
                    .isInstanceOf(CommandRefused.class).hasMessageContaining("fx-recalc");
            assertThatThrownBy(() -> commands.sendAndWait(new ApproveRecalculation("fx-recalc-failed", "master",
                    "again"))).isInstanceOf(CommandRefused.class).hasMessageContaining("fx-recalc-failed");

            int stored = events(PublishPrices.PRICE_BOOK);
            int version = commands.sendAndWait(new PublishPrices(PublishPrices.PRICE_BOOK, null, Map.of("gpt-fixture",
                    new ModelPrice(TokenPrice.perMillion("1.5"), null, OUTPUT, null, null, null, false)), false, "api",
                    "master", "compatibility"));
            assertThat(version).as("the next version after every stored one").isEqualTo(stored + 1);
        }

        /**
         * A stored snapshot of Team's revision today is read; one of another revision (release 0.1's had none) is
         * skipped and the team is rebuilt from its events. Either way the team decides as its history says, and the
         * next snapshot is of today's revision.
         */
        @Test
        void aTeamSnapshotIsReadAtTodaysRevisionAndSkippedAtAnotherAndTheTeamDecidesAsItsHistorySays() {
            EventStorageEngine engine = gateway.bean(EventStorageEngine.class);
            String revision = Team.class.getAnnotation(Revision.class).value();
            StoredEvents.Row snapshot = fixture.snapshots().stream()
                    .filter(row -> row.aggregateIdentifier().equals(TEAM)).findFirst().orElseThrow();

            if (Objects.equals(snapshot.payloadRevision(), revision)) {
                assertThat(engine.readSnapshot(TEAM)).as("a snapshot of Team's revision is read").hasValueSatisfying(
                        read -> {
                            assertThat(read.getPayload()).isInstanceOf(Team.class);
                            assertThat(read.getSequenceNumber()).isEqualTo(snapshot.sequenceNumber());
                        });
            } else {
                assertThat(engine.readSnapshot(TEAM)).as("a snapshot of another revision than Team's is not read")
                        .isEmpty();
            }
            SpendBatchResult decided = batch(new ReleaseReservation("fx-r2", "retried"),
                    reserve("compat-snapshot", BOB, null, null));
            assertThat(decided.outcomes().get(0)).isEqualTo(new SpendOutcome.NotOpen("fx-r2", "released"));
            assertThat(decided.outcomes().get(1)).isInstanceOf(SpendOutcome.Reserved.class);

            // (a new snapshot needs a new event: one at the old snapshot's sequence number would collide with it)
            long newest = dsl.fetchValue("SELECT max(sequencenumber) FROM domainevententry WHERE aggregateidentifier = ?",
                    TEAM) instanceof Number n ? n.longValue() : -1;
            gateway.bean(Snapshotter.class).scheduleSnapshot(Team.class, TEAM);
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.readSnapshot(TEAM)
                    .filter(read -> read.getSequenceNumber() >= newest).isPresent());
            assertThat(engine.readSnapshot(TEAM).get().getPayload()).isInstanceOf(Team.class);
            assertThat(dsl.fetchValue("SELECT payloadrevision FROM snapshotevententry WHERE aggregateidentifier = ? "
                    + "ORDER BY sequencenumber DESC LIMIT 1", TEAM)).isEqualTo(revision);
        }

        @Test
        void theProjectionsRebuildTheReadModelFromStoredEvents() {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(dsl.select(MESSAGE_COSTS.REQUEST_ID, MESSAGE_COSTS.OUTCOME).from(MESSAGE_COSTS)
                        .where(MESSAGE_COSTS.REQUEST_ID.like("fx-%")).fetchMap(MESSAGE_COSTS.REQUEST_ID,
                                MESSAGE_COSTS.OUTCOME)).containsAllEntriesOf(Map.of("fx-r1", "settled", "fx-r2",
                        "released", "fx-r3", "settled", "fx-r4", "rejected", "fx-r5", "expired"));
                assertThat(dsl.fetchValue(MESSAGE_COSTS.ADJUSTED_COST, MESSAGE_COSTS.REQUEST_ID.eq("fx-r1")))
                        .isEqualByComparingTo("0.0025");
                assertThat(dsl.fetchValue(MESSAGE_COSTS.FLAGGED, MESSAGE_COSTS.REQUEST_ID.eq("fx-r5"))).isTrue();
                assertThat(dsl.fetchValue(USERS.REMOVED_AT, USERS.USER_ID.eq(TEAM + ":carol"))).isNotNull();
                // (api_keys and admin_credentials are written with the events that change them, never replayed)
                assertThat(dsl.select(AUDIT_LOG.ACTION).from(AUDIT_LOG).where(AUDIT_LOG.ENTITY_ID.eq(ADA_KEY))
                        .fetch(AUDIT_LOG.ACTION)).containsExactlyInAnyOrder("key.issued", "key.rotated",
                        "key.budget_set");
                assertThat(dsl.select(RECALCULATIONS.RECALCULATION_ID, RECALCULATIONS.STATUS).from(RECALCULATIONS)
                        .fetchMap(RECALCULATIONS.RECALCULATION_ID, RECALCULATIONS.STATUS))
                        .containsEntry("fx-recalc", "applied").containsEntry("fx-recalc-failed", "failed");
                assertThat(dsl.select(BOOSTS.BOOST_ID, BOOSTS.END_KIND).from(BOOSTS).where(BOOSTS.TEAM_ID.eq(TEAM))
                        .and(BOOSTS.COHORT_ID.isNull()).fetchMap(BOOSTS.BOOST_ID, BOOSTS.END_KIND))
                        .containsEntry("fx-boost-ada", "revoked").containsEntry("fx-boost-short", "expired");
                assertThat(dsl.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq("fx-cred"))).isEqualTo(3);
                var bob = dsl.selectFrom(BUDGET_STATUS).where(BUDGET_STATUS.ACCOUNT_TYPE.eq("user"))
                        .and(BUDGET_STATUS.ACCOUNT_ID.eq(BOB)).fetchOne();
                assertThat(bob).isNotNull();
                assertThat(bob.getBudgetLimit()).isEqualByComparingTo("3");
                assertThat(bob.getBudgetPeriod()).isEqualTo("weekly");
                assertThat(bob.getSpent()).isEqualByComparingTo(bobSpent);
            });
        }

        /**
         * For each event type of the newest fixture, the fields that no stored event of that type lacks (read as
         * today's class): today's code always writes them.
         */
        static Map<String, Set<String>> requiredComponents() throws Exception {
            StoredEvents newest = StoredEvents.read(FIXTURES.get(FIXTURES.size() - 1));
            Map<String, Set<String>> required = new TreeMap<>();
            for (StoredEvents.Row row : newest.events()) {
                Class<?> type;
                try {
                    type = Class.forName(row.payloadType());
                } catch (ClassNotFoundException gone) {
                    continue; // renamed or removed since: its upcaster is checked on the fixture's own rows
                }
                if (!type.isRecord()) {
                    continue;
                }
                JsonNode stored = readTree(row.payload());
                Set<String> present = Stream.of(type.getRecordComponents()).map(RecordComponent::getName)
                        .filter(name -> stored.hasNonNull(name)).collect(Collectors.toCollection(TreeSet::new));
                required.merge(type.getName(), present, (a, b) -> {
                    a.retainAll(b);
                    return a;
                });
            }
            return required;
        }

        static Object read(RecordComponent component, Object record) {
            try {
                return component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        static JsonNode readTree(String json) {
            try {
                return new ObjectMapper().readTree(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static GenericDomainEventEntry<byte[]> entry(StoredEvents.Row stored) {
            return new GenericDomainEventEntry<>(stored.type(), stored.aggregateIdentifier(),
                    stored.sequenceNumber(), stored.eventIdentifier(), stored.timeStamp(), stored.payloadType(),
                    stored.payloadRevision(), stored.payload().getBytes(StandardCharsets.UTF_8),
                    stored.metaData() == null ? null : stored.metaData().getBytes(StandardCharsets.UTF_8));
        }

        int events(String aggregateIdentifier) {
            return dsl.fetchCount(dsl.selectOne().from("domainevententry")
                    .where("aggregateidentifier = ?", aggregateIdentifier));
        }

        long events(String aggregateIdentifier, String payloadType) {
            return dsl.fetchCount(dsl.selectOne().from("domainevententry")
                    .where("aggregateidentifier = ? AND payloadtype = ?", aggregateIdentifier, payloadType));
        }

        /** A command an aggregate rebuilt from its history recognises as done already: it stores nothing. */
        void assertNoNewEvent(String aggregateIdentifier, Runnable command) {
            int before = events(aggregateIdentifier);
            command.run();
            assertThat(events(aggregateIdentifier)).as("events of " + aggregateIdentifier).isEqualTo(before);
        }

        ReserveSpend reserve(String requestId, String userId, String externalUserId, String keyId) {
            return new ReserveSpend(requestId, userId, externalUserId, keyId, "gpt-test", Money.of("0.001"), OUTPUT,
                    10, 1, Duration.ofMinutes(15), Map.of());
        }

        SpendBatchResult batch(SpendLine... lines) {
            return commands.sendAndWait(new RecordSpendBatch(TEAM, List.of(lines)));
        }

        IssueMemberKey memberKey(String teamId, String userId, String keyId, Integer maxLiveKeys) {
            return new IssueMemberKey(teamId, new IssueKey(keyId, "c".repeat(64), "tg_cmpt", "compat", teamId, userId,
                    List.of(), null, KeyLimits.NONE, Map.of(), Map.of(), "master"), maxLiveKeys, Set.of(), Set.of());
        }
    }
}
