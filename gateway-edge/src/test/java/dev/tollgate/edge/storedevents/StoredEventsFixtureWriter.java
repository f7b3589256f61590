package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.access.ChangeCredentialScope;
import dev.tollgate.api.access.IssueCredential;
import dev.tollgate.api.access.RevokeCredential;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.alert.RegisterWebhookEndpoint;
import dev.tollgate.api.alert.RemoveThreshold;
import dev.tollgate.api.alert.RemoveWebhookEndpoint;
import dev.tollgate.api.alert.SetThreshold;
import dev.tollgate.api.alert.ThresholdKind;
import dev.tollgate.api.alert.ThresholdScope;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.ConfirmCohortBoostDistribution;
import dev.tollgate.api.boost.ExpireBoosts;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.GrantCohortBoost;
import dev.tollgate.api.boost.RecordCohortBoostDistribution;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.boost.RevokeCohortBoost;
import dev.tollgate.api.boost.SkippedMember;
import dev.tollgate.api.identity.LinkIdentity;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.IssueMemberKey;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.keypolicy.SetKeyPolicy;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.move.StartUserMove;
import dev.tollgate.api.price.PublishPrices;
import dev.tollgate.api.priceproposal.ApprovePriceProposal;
import dev.tollgate.api.priceproposal.PriceChange;
import dev.tollgate.api.priceproposal.ProposePrices;
import dev.tollgate.api.priceproposal.RejectPriceProposal;
import dev.tollgate.api.privacy.ErasePersonalData;
import dev.tollgate.api.recalculation.ApproveRecalculation;
import dev.tollgate.api.recalculation.CompleteRecalculation;
import dev.tollgate.api.recalculation.FailRecalculation;
import dev.tollgate.api.recalculation.RecordRecalculationApplied;
import dev.tollgate.api.recalculation.StartRecalculation;
import dev.tollgate.api.recalculation.SupersedeRecalculation;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.CostAdjustment;
import dev.tollgate.api.spend.ExpireReservations;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendLine;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.RemoveUser;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.SetUserTags;
import dev.tollgate.api.topup.TopUpBudget;
import dev.tollgate.domain.team.Team;
import dev.tollgate.edge.boost.CohortBoostDistributor;
import dev.tollgate.edge.privacy.Erasure;
import dev.tollgate.edge.support.RunningGateway;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.Snapshotter;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Writes a fixture of stored events: every event type, and a snapshot of every snapshotted aggregate (Team), as the
 * release that runs this writer stores them in {@code domainevententry} and {@code snapshotevententry} (payload type,
 * revision, payload and metadata exactly as stored), with the command side's tables next to them that reading them
 * needs ({@code personal_data_keys}, {@code user_id_claims}). Run it <em>before</em> changing the shape of an event or
 * of an aggregate's state, and commit its output under {@code src/test/resources/stored-events/}, adding it to
 * {@code StoredEventsCompatibilityTest.FIXTURES}; that test then proves that every later release still loads what
 * this one stored.
 * <p>
 * "Every event type" is found by scanning the code ({@link EventTypes}), not listed by hand: the writer fails naming
 * any type its scenario does not store, and {@code StoredEventTypesTest} fails when the newest fixture lacks one.
 * A new event therefore needs a step in {@link #recordSinceRelease01} (or a method after it) and a new fixture.
 * <pre>
 * mvn -B -o -pl gateway-edge -am test -Dtest=StoredEventsFixtureWriter -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfixture.write=$PWD/gateway-edge/src/test/resources/stored-events/NAME.json -Dfixture.release="..."
 * </pre>
 * Without {@code fixture.write} it writes to a temporary file: {@link StoredEventsScenarioTest} runs the scenario so
 * in every build, so that a change that breaks it fails there, not when the next fixture is due.
 */
class StoredEventsFixtureWriter {

    static final String TEAM = "fx-team";
    static final String ADA = "fx-ada";
    static final String BOB = "fx-bob";
    static final String ADA_KEY = "fx-key-ada";
    static final String TEAM_KEY = "fx-key-team";
    private static final String MISSING = "event types of today's code (classes of dev.tollgate.api with a @Revision "
            + "or applied by an @EventSourcingHandler) that the scenario does not store: make it store them";

    static final String TEAM_B = "fx-team-b";
    /** Moved from {@link #TEAM} to {@link #TEAM_B} with their key. */
    static final String CY = "fx-cy";
    static final String CY_KEY = "fx-key-cy";
    /** Their move to a team that does not exist was cancelled. */
    static final String FAY = "fx-fay";
    /** A topped-up lifetime allowance, past a threshold. */
    static final String DEE = "fx-dee";
    /** Erased. */
    static final String GUS = "fx-gus";
    static final Budget MONTHLY_10 = Budget.of("10", BudgetPeriod.MONTHLY);
    /** A cohort boost of Ada and Bob distributed without a record (before 2026-12-07), Bob skipped: never retried. */
    static final String COHORT_LEGACY = "fx-cohort-legacy";
    /** A cohort boost of Ada distributed without a record, retried, and recorded so. */
    static final String COHORT_CONFIRMED = "fx-cohort-confirmed";
    /** The capped manager who granted {@link #COHORT_LEGACY}. */
    static final String COHORT_MANAGER = "fx-manager";
    static final Instant COHORT_ENDS_AT = Instant.parse("2099-01-01T00:00:00Z");

    @TempDir
    Path dataDir;

    @Test
    void writesEveryEventTypeAsThisReleaseStoresIt() throws Exception {
        String asked = System.getProperty("fixture.write");
        Path out = asked == null || asked.isBlank() ? dataDir.resolve("fixture.json") : Path.of(asked);
        try (RunningGateway gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir,
                "tollgate.boosts.expiry-sweep-interval=1h")) {
            CommandGateway commands = gateway.bean(CommandGateway.class);
            DSLContext dsl = gateway.bean(DSLContext.class);
            record(commands);
            recordSinceRelease01(commands, dsl, gateway.bean(Erasure.class));
            gateway.bean(Snapshotter.class).scheduleSnapshot(Team.class, TEAM);
            await().atMost(Duration.ofSeconds(10)).until(() -> dsl.fetchValue(
                    "SELECT count(*) FROM snapshotevententry WHERE aggregateidentifier = ?", TEAM)
                    .toString().equals("1"));

            // the processes that answer events with commands (cohort boosts) have done their part
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(count(dsl, "dev.tollgate.api.boost.BoostGranted")).isEqualTo(5);
                assertThat(count(dsl, "dev.tollgate.api.boost.BoostRevoked")).isEqualTo(3);
            });
            recordCohortBoostsDistributedWithoutRecord(gateway, commands);
            // every event type of today's code (EventTypes) is stored: a timeout names those the scenario does not
            // store
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(count(dsl, "dev.tollgate.api.boost.BoostGranted")).isEqualTo(7);
                assertThat(missing(storedTypes(dsl))).as(MISSING).isEmpty();
            });

            ObjectNode fixture = dump(dsl);
            Set<String> types = new TreeSet<>();
            fixture.withArray("events").forEach(e -> types.add(e.path("payloadType").asText()));
            assertThat(missing(types)).as(MISSING).isEmpty();
            assertThat(types).as("every stored type is an event of today's code").isSubsetOf(EventTypes.all());
            Set<String> snapshotted = new TreeSet<>();
            fixture.withArray("snapshots").forEach(s -> snapshotted.add(s.path("type").asText()));
            assertThat(snapshotted).as("a snapshot of every aggregate that is snapshotted")
                    .containsAll(EventTypes.snapshotted());
            Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(fixture) + "\n");
        }
    }

    /** A life of a team, its keys, boosts, prices, a recalculation and an administrative credential. */
    private static void record(CommandGateway commands) throws InterruptedException {
        Instant start = Instant.now();
        commands.sendAndWait(new IssueCredential("fx-cred", hash('c'), "tgc_fx", "finance desk", Role.MANAGER,
                Set.of(TEAM), Money.of("50"), "master", "fixture"));
        commands.sendAndWait(new ChangeCredentialScope("fx-cred", Role.MANAGER, Set.of(TEAM, "fx-other"),
                Money.of("80"), "master", "a second course"));
        commands.sendAndWait(new RevokeCredential("fx-cred", "master", "left"));

        commands.sendAndWait(new CreateTeam(TEAM, "Fixture team", MONTHLY_10, Budget.of("1", BudgetPeriod.MONTHLY),
                OverBudgetPolicy.CLAMP, "master", "fixture"));
        commands.sendAndWait(new RegisterUser(TEAM, ADA, "ada@example.org", "Ada", Budget.of("2", BudgetPeriod.MONTHLY),
                Set.of("course:cs101"), "master"));
        commands.sendAndWait(new RegisterUser(TEAM, BOB, null, "Bob", null, Set.of(), "master"));
        commands.sendAndWait(new SetUserBudget(TEAM, BOB, Budget.of("3", BudgetPeriod.WEEKLY), "master", "project"));
        commands.sendAndWait(new SetUserTags(TEAM, ADA, Set.of("course:cs101", "ta"), "master", "teaching assistant"));
        commands.sendAndWait(new SetTeamBudget(TEAM, Budget.of("20", BudgetPeriod.MONTHLY), null, null, "master",
                "more students"));

        commands.sendAndWait(new IssueMemberKey(TEAM, new IssueKey(ADA_KEY, hash('a'), "tg_fxada", "Ada's key", TEAM,
                ADA, List.of("gpt-test"), null, new KeyLimits(60L, 100_000L), Map.of("purpose", "fixture"),
                Map.of("course", "cs101"), "master")));
        commands.sendAndWait(new IssueKey(TEAM_KEY, hash('e'), "tg_fxteam", "team key", TEAM, null, List.of(), null,
                KeyLimits.NONE, Map.of(), Map.of(), "master"));
        commands.sendAndWait(new IssueMemberKey(TEAM, new IssueKey("fx-key-old", hash('f'), "tg_fxold", "old key",
                TEAM, BOB, List.of(), start.plus(Duration.ofDays(30)), KeyLimits.NONE, Map.of(), Map.of(), "master")));
        commands.sendAndWait(new RotateKey(ADA_KEY, null, hash('b'), "tg_fxad2", "master", "leaked"));
        commands.sendAndWait(new RevokeKey("fx-key-old", null, "master", "lost"));
        commands.sendAndWait(new SetKeyBudget(TEAM, ADA_KEY, Budget.of("5", BudgetPeriod.DAILY), "master", "cap"));

        commands.sendAndWait(new PublishPrices(PublishPrices.PRICE_BOOK, null, Map.of("gpt-fixture",
                new ModelPrice(TokenPrice.perMillion("1"), TokenPrice.perMillion("0.5"), TokenPrice.perMillion("2"),
                        null, null, null, false)), false, "api", "master", "new model"));

        TokenPrice output = TokenPrice.perMillion("2");
        Instant reservedAt = Instant.now();
        batch(commands,
                new ReserveSpend("fx-r1", ADA, null, ADA_KEY, "gpt-test", Money.of("0.001"), output, 1000, 16,
                        Duration.ofMinutes(15), Map.of("course", "cs101")),
                new ReserveSpend("fx-r2", BOB, null, null, "gpt-test", Money.of("0.001"), output, 1000, 16,
                        Duration.ofMinutes(15), Map.of()),
                new ReserveSpend("fx-r3", null, "carol", TEAM_KEY, "gpt-test", Money.of("0.001"), output, 500, 16,
                        Duration.ofMinutes(15), Map.of()),
                new ReserveSpend("fx-r4", BOB, null, null, "gpt-test", Money.of("100"), output, 1000, 16,
                        Duration.ofMinutes(15), Map.of()),
                new ReserveSpend("fx-r5", ADA, null, ADA_KEY, "gpt-test", Money.of("0.001"), output, 100, 16,
                        Duration.ofMillis(200), Map.of()),
                new ReserveSpend("fx-r6", BOB, null, null, "gpt-test", Money.of("0.001"), output, 100, 16,
                        Duration.ofMinutes(15), Map.of()));
        batch(commands,
                new SettleSpend("fx-r1", "gpt-test", new Usage(1000, 600, 100, 50, 0, null), Money.of("0.00215"),
                        "v1", "openai", "fake-normal", 420, 2),
                new ReleaseReservation("fx-r2", "upstream_http_500"),
                new SettleSpend("fx-r3", "gpt-test", new Usage(900, 400, 0, 0, 0, null), Money.of("0.0017"), "v1",
                        "openai", "fake-normal", 300, 1),
                // an upstream that ignored max_tokens: 0.0012 reserved, 0.0021 charged
                new SettleSpend("fx-r6", "gpt-test", new Usage(1000, 550, 0, 0, 0, null), Money.of("0.0021"), "v1",
                        "openai", "fake-normal", 310, 1));
        Thread.sleep(300);
        commands.sendAndWait(new ExpireReservations(TEAM));
        commands.sendAndWait(new RemoveUser(TEAM, TEAM + ":carol", "master", "left the course"));

        Instant now = Instant.now();
        commands.sendAndWait(new GrantBoost(TEAM, "fx-boost-team", null, Money.of("5"), now, now.plusSeconds(86_400),
                "exam week", null, "master"));
        commands.sendAndWait(new GrantBoost(TEAM, "fx-boost-ada", ADA, Money.of("1"), now, now.plusSeconds(86_400),
                "thesis", null, "master"));
        commands.sendAndWait(new RevokeBoost(TEAM, "fx-boost-ada", "master", "granted by mistake"));
        commands.sendAndWait(new GrantBoost(TEAM, "fx-boost-short", BOB, Money.of("1"), now, now.plusMillis(300),
                "lab hour", null, "master"));
        Thread.sleep(400);
        commands.sendAndWait(new ExpireBoosts(TEAM));
        commands.sendAndWait(new GrantCohortBoost("fx-cohort", List.of(new CohortMember(ADA, TEAM),
                new CohortMember(BOB, TEAM)), "tag:course:cs101", Money.of("0.5"), now, now.plusSeconds(86_400),
                "hackathon", "master"));
        // before the distributor's own record (it records a distribution once): one member skipped
        commands.sendAndWait(new RecordCohortBoostDistribution("fx-cohort", List.of(new SkippedMember(BOB, TEAM,
                "over the granting manager's budget cap of 1: user 'fx-bob''s limit, 1, with its boosts not yet "
                        + "ended, 0, and this share, 0.5, would come to 1.5"))));
        commands.sendAndWait(new RevokeCohortBoost("fx-cohort", "master", "cancelled"));

        commands.sendAndWait(new StartRecalculation("fx-recalc", start.minusSeconds(60), Instant.now(),
                "provider corrected gpt-test", "master"));
        commands.sendAndWait(new CompleteRecalculation("fx-recalc", 3, 1, Money.of("0.00215"), Money.of("0.0025")));
        commands.sendAndWait(new ApproveRecalculation("fx-recalc", "master", "checked"));
        commands.sendAndWait(new AdjustCosts(TEAM, "fx-recalc", Instant.now(), 0, List.of(new CostAdjustment("fx-r1", ADA, ADA_KEY,
                "gpt-test", "openai", new Usage(1000, 600, 100, 50, 0, null), reservedAt, Map.of("course", "cs101"),
                Money.of("0.00215"), Money.of("0.0025"), "v2")), "master", "checked"));
        commands.sendAndWait(new RecordRecalculationApplied("fx-recalc", 1));
        commands.sendAndWait(new StartRecalculation("fx-recalc-failed", start.minusSeconds(60), Instant.now(),
                "a try", "master"));
        commands.sendAndWait(new FailRecalculation("fx-recalc-failed", "the application stopped during its replay"));
    }

    /**
     * What the teams, keys and administrators have done since release 0.1: member keys, moves between teams (one
     * that waits for a request in flight, one the new team refuses), top-ups, thresholds and their crossing, an
     * erasure, key policies, webhooks, price proposals, an identity and a superseded recalculation.
     */
    private static void recordSinceRelease01(CommandGateway commands, DSLContext dsl, Erasure erasure) {
        commands.sendAndWait(new CreateTeam(TEAM_B, "Fixture team B", MONTHLY_10, null, null, "master", "fixture"));

        // a move that waits for the member's request in flight, their member key following them
        commands.sendAndWait(new RegisterUser(TEAM, CY, "cy@example.org", "Cy", null, Set.of("course:cs101"),
                "master"));
        // made by Cy (signed in with SSO): a key an admin or a manager issued is revoked by a move, not moved
        // within the default key policy of the team it moves to (90 days at most), so it follows rather than ends
        commands.sendAndWait(new IssueMemberKey(TEAM, new IssueKey(CY_KEY, hash('1'), "tg_fxcy1", "Cy's key", TEAM,
                CY, List.of(), Instant.now().plus(Duration.ofDays(30)), KeyLimits.NONE, Map.of(), Map.of(),
                "sso:" + CY)));
        TokenPrice output = TokenPrice.perMillion("2");
        batch(commands, new ReserveSpend("fx-r7", CY, null, CY_KEY, "gpt-test", Money.of("0.001"), output, 100, 16,
                Duration.ofMinutes(15), Map.of()));
        commands.sendAndWait(new StartUserMove(TEAM, "fx-move", CY, TEAM_B, null, "master", "changed course"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count(dsl, "dev.tollgate.api.move.KeyMoved") == 1
                && count(dsl, "dev.tollgate.api.move.UserMoveAwaitingReservations") == 1);
        batch(commands, new SettleSpend("fx-r7", "gpt-test", new Usage(100, 50, 0, 0, 0, null), Money.of("0.0002"),
                "v1", "openai", "fake-normal", 200, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> count(dsl, "dev.tollgate.api.move.UserMovedOut") == 1);

        // a move the new team refuses (it does not exist): cancelled in the old team
        commands.sendAndWait(new RegisterUser(TEAM, FAY, null, "Fay", null, Set.of(), "master"));
        commands.sendAndWait(new StartUserMove(TEAM, "fx-move-refused", FAY, "fx-nowhere", null, "master",
                "wrong team"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count(dsl, "dev.tollgate.api.move.UserMoveCancelled") == 1);

        // a lifetime allowance topped up, spent past a threshold set afterwards; another threshold removed
        commands.sendAndWait(new RegisterUser(TEAM, DEE, "dee@example.org", "Dee", Budget.of("0.01", BudgetPeriod.NONE),
                Set.of(), "master"));
        commands.sendAndWait(new TopUpBudget(TEAM, "fx-topup", DEE, Money.of("0.01"), "master", "prize"));
        batch(commands, new ReserveSpend("fx-r8", DEE, null, null, "gpt-test", Money.of("0.001"), output, 2000, 16,
                Duration.ofMinutes(15), Map.of()));
        batch(commands, new SettleSpend("fx-r8", "gpt-test", new Usage(500, 2000, 0, 0, 0, null), Money.of("0.005"),
                "v1", "openai", "fake-normal", 500, 1));
        commands.sendAndWait(new SetThreshold(TEAM, "fx-th-dee", ThresholdScope.USER, DEE, ThresholdKind.PERCENT, 10,
                "master", "watch the prize"));
        commands.sendAndWait(new SetThreshold(TEAM, "fx-th-removed", ThresholdScope.TEAM, null, ThresholdKind.PERCENT,
                90, "master", "watch the team"));
        commands.sendAndWait(new RemoveThreshold(TEAM, "fx-th-removed", "master", "too noisy"));

        // a person's personal data erased
        commands.sendAndWait(new RegisterUser(TEAM, GUS, "gus@example.org", "Gus", null, Set.of(), "master"));
        commands.sendAndWait(new ErasePersonalData(TEAM, GUS, "master", "asked to be forgotten"));
        assertThat(erasure.destroy(GUS)).as("what the admin API does next: their key destroyed").isEqualTo(1);

        commands.sendAndWait(new SetKeyPolicy(SetKeyPolicy.policyId(TEAM), TEAM, 3, 90, List.of("gpt-test"), 60L,
                100_000L, "master", "course rules"));
        commands.sendAndWait(new RegisterWebhookEndpoint("fx-hook", "https://hooks.example.org/tollgate", Set.of(TEAM),
                "finance alerts", "0123456789abcdef", "master", "alerts"));
        commands.sendAndWait(new RemoveWebhookEndpoint("fx-hook", "master", "moved to chat"));

        ModelPrice proposed = new ModelPrice(TokenPrice.perMillion("1.2"), TokenPrice.perMillion("0.5"),
                TokenPrice.perMillion("2"), null, null, null, false);
        commands.sendAndWait(new ProposePrices("fx-proposal", "fx-source", List.of(new PriceChange("gpt-fixture",
                "input", "1", "1.2")), Map.of("gpt-fixture", proposed), "price-source:fx-source"));
        int version = commands.sendAndWait(new PublishPrices(PublishPrices.PRICE_BOOK, null,
                Map.of("gpt-fixture", proposed), false, "price-source:fx-source", "master", "proposal fx-proposal"));
        commands.sendAndWait(new ApprovePriceProposal("fx-proposal", version, "master", "checked"));
        commands.sendAndWait(new ProposePrices("fx-proposal-rejected", "fx-source", List.of(new PriceChange(
                "gpt-fixture", "output", "2", "20")), Map.of("gpt-fixture", new ModelPrice(TokenPrice.perMillion("1.2"),
                null, TokenPrice.perMillion("20"), null, null, null, false)), "price-source:fx-source"));
        commands.sendAndWait(new RejectPriceProposal("fx-proposal-rejected", "master", "a typo at the source"));

        commands.sendAndWait(new LinkIdentity(LinkIdentity.identityId(ADA), ADA, "https://sso.example.org",
                "ada-subject", TEAM, Set.of("course:cs101"), Map.of("groups", "cs101"), "sso"));

        commands.sendAndWait(new StartRecalculation("fx-recalc-superseded", Instant.now().minusSeconds(60),
                Instant.now(), "a later try", "master"));
        commands.sendAndWait(new SupersedeRecalculation("fx-recalc-superseded", "fx-recalc", "master"));
    }

    /**
     * Cohort boosts as a release before 2026-12-07 left them: its distributor offered each member their share and
     * recorded no distribution. The distributor is stopped and its part played here, so the rows are those that
     * release stored ({@code CohortBoostGranted} of revision 2, the members' {@code BoostGranted} of revision 1, no
     * {@code CohortBoostDistributed}). {@link #COHORT_LEGACY} is left so, with a member skipped: a capped manager's
     * share past the cap, refused by the member's team and recorded nowhere. {@link #COHORT_CONFIRMED} was granted
     * again (CohortBoostGrantRepeated), and the distributor's confirmation, which it sends when it handles that, is
     * sent here (CohortBoostDistributedWithoutRecord). Both end in 2099: a retry of them is still a retry.
     */
    private static void recordCohortBoostsDistributedWithoutRecord(RunningGateway gateway, CommandGateway commands) {
        gateway.bean(EventProcessingConfiguration.class)
                .eventProcessor(CohortBoostDistributor.PROCESSING_GROUP, StreamingEventProcessor.class).orElseThrow()
                .shutDown();
        Instant now = Instant.now();
        Money cap = Money.of("2.5");
        commands.sendAndWait(new GrantCohortBoost(COHORT_LEGACY, List.of(new CohortMember(ADA, TEAM),
                new CohortMember(BOB, TEAM)), "users", Money.of("0.5"), now, COHORT_ENDS_AT, "summer school",
                COHORT_MANAGER, cap));
        // Ada's limit, 2, and this share come to 2.5, the cap; Bob's, 3, and his share would not: he is skipped
        commands.sendAndWait(new GrantBoost(TEAM, COHORT_LEGACY, ADA, Money.of("0.5"), now, COHORT_ENDS_AT,
                "summer school", COHORT_LEGACY, COHORT_MANAGER, cap));
        assertThatThrownBy(() -> commands.sendAndWait(new GrantBoost(TEAM, COHORT_LEGACY, BOB, Money.of("0.5"), now,
                COHORT_ENDS_AT, "summer school", COHORT_LEGACY, COHORT_MANAGER, cap)))
                .isInstanceOf(CommandRefused.class);

        GrantCohortBoost confirmed = new GrantCohortBoost(COHORT_CONFIRMED, List.of(new CohortMember(ADA, TEAM)),
                "users", Money.of("0.25"), now, COHORT_ENDS_AT, "reading week", "master");
        commands.sendAndWait(confirmed);
        commands.sendAndWait(new GrantBoost(TEAM, COHORT_CONFIRMED, ADA, Money.of("0.25"), now, COHORT_ENDS_AT,
                "reading week", COHORT_CONFIRMED, "master"));
        commands.sendAndWait(confirmed);
        commands.sendAndWait(new ConfirmCohortBoostDistribution(COHORT_CONFIRMED));
    }

    private static long count(DSLContext dsl, String payloadType) {
        return dsl.fetchCount(dsl.selectOne().from("domainevententry").where("payloadtype = ?", payloadType));
    }

    private static Set<String> storedTypes(DSLContext dsl) {
        return new TreeSet<>(dsl.fetchValues("SELECT DISTINCT payloadtype FROM domainevententry").stream()
                .map(String::valueOf).toList());
    }

    /** The event types of today's code that {@code stored} lacks. */
    static Set<String> missing(Set<String> stored) {
        Set<String> missing = new TreeSet<>(EventTypes.all());
        missing.removeAll(stored);
        return missing;
    }

    private static void batch(CommandGateway commands, SpendLine... lines) {
        commands.sendAndWait(new RecordSpendBatch(TEAM, List.of(lines)));
    }

    /** A SHA-256 shape (64 hex characters); no secret exists behind it. */
    private static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    private static ObjectNode dump(DSLContext dsl) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode fixture = json.createObjectNode();
        fixture.put("release", System.getProperty("fixture.release", "unnamed"));
        fixture.put("writtenBy", StoredEventsFixtureWriter.class.getName());
        ArrayNode events = fixture.putArray("events");
        dsl.resultQuery("SELECT aggregateidentifier, sequencenumber, type, eventidentifier, timestamp, payloadtype, "
                        + "payloadrevision, convert_from(payload, 'UTF8') AS payload, "
                        + "convert_from(metadata, 'UTF8') AS metadata FROM domainevententry ORDER BY globalindex")
                .fetch().forEach(r -> events.add(row(json, r)));
        fixture.put("schemaVersion", dsl.fetchValue("SELECT version FROM flyway_schema_history WHERE success "
                + "AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1").toString());
        ArrayNode snapshots = fixture.putArray("snapshots");
        dsl.resultQuery("SELECT aggregateidentifier, sequencenumber, type, eventidentifier, timestamp, payloadtype, "
                        + "payloadrevision, convert_from(payload, 'UTF8') AS payload, "
                        + "convert_from(metadata, 'UTF8') AS metadata FROM snapshotevententry")
                .fetch().forEach(r -> snapshots.add(row(json, r)));
        // not event tables, but the command side's own state next to them: the keys that seal the personal data in
        // the events (V8; fictional people's only) and which team holds each user id (V13)
        ArrayNode keys = fixture.putArray("personalDataKeys");
        dsl.resultQuery("SELECT seal_key, subject_id, secret, created_at, erased_at FROM personal_data_keys "
                + "ORDER BY created_at, seal_key").fetch().forEach(r -> {
                    byte[] secret = r.get("secret", byte[].class);
                    OffsetDateTime erased = r.get("erased_at", OffsetDateTime.class);
                    keys.addObject().put("sealKey", r.get("seal_key", String.class))
                            .put("subjectId", r.get("subject_id", String.class))
                            .put("secret", secret == null ? null : Base64.getEncoder().encodeToString(secret))
                            .put("createdAt", r.get("created_at", OffsetDateTime.class).toInstant().toString())
                            .put("erasedAt", erased == null ? null : erased.toInstant().toString());
                });
        ArrayNode claims = fixture.putArray("userIdClaims");
        dsl.resultQuery("SELECT user_id, team_id FROM user_id_claims ORDER BY user_id").fetch().forEach(r ->
                claims.addObject().put("userId", r.get(0, String.class)).put("teamId", r.get(1, String.class)));
        return fixture;
    }

    private static ObjectNode row(ObjectMapper json, Record r) {
        ObjectNode row = json.createObjectNode();
        row.put("aggregateIdentifier", r.get("aggregateidentifier", String.class));
        row.put("sequenceNumber", r.get("sequencenumber", Long.class));
        row.put("type", r.get("type", String.class));
        row.put("eventIdentifier", r.get("eventidentifier", String.class));
        row.put("timeStamp", r.get("timestamp", String.class));
        row.put("payloadType", r.get("payloadtype", String.class));
        row.put("payloadRevision", r.get("payloadrevision", String.class));
        // the stored text, byte for byte: a re-serialised tree could differ from what a release wrote
        row.put("payload", r.get("payload", String.class));
        row.put("metaData", r.get("metadata", String.class));
        return row;
    }
}
