package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.access.ChangeCredentialScope;
import dev.tollgate.api.access.IssueCredential;
import dev.tollgate.api.access.RevokeCredential;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.ExpireBoosts;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.GrantCohortBoost;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.boost.RevokeCohortBoost;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.IssueMemberKey;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.price.PublishPrices;
import dev.tollgate.api.recalculation.ApproveRecalculation;
import dev.tollgate.api.recalculation.CompleteRecalculation;
import dev.tollgate.api.recalculation.FailRecalculation;
import dev.tollgate.api.recalculation.RecordRecalculationApplied;
import dev.tollgate.api.recalculation.StartRecalculation;
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
import dev.tollgate.domain.team.Team;
import dev.tollgate.edge.support.RunningGateway;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.Snapshotter;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes a fixture of stored events: every event type, and a Team snapshot, as the release that runs this writer
 * stores them in {@code domainevententry} and {@code snapshotevententry} (payload type, revision, payload and metadata
 * exactly as stored). Run it <em>before</em> changing the shape of an event or of an aggregate's state, and commit
 * its output under {@code src/test/resources/stored-events/}; {@code StoredEventsCompatibilityTest} then proves that
 * every later release still loads what this one stored.
 * <pre>
 * mvn -B -o -pl gateway-edge -am test -Dtest=StoredEventsFixtureWriter -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfixture.write=$PWD/gateway-edge/src/test/resources/stored-events/NAME.json -Dfixture.release="..."
 * </pre>
 * Only runs when {@code fixture.write} is set.
 */
@EnabledIfSystemProperty(named = "fixture.write", matches = ".+")
class StoredEventsFixtureWriter {

    static final String TEAM = "fx-team";
    static final String ADA = "fx-ada";
    static final String BOB = "fx-bob";
    static final String ADA_KEY = "fx-key-ada";
    static final String TEAM_KEY = "fx-key-team";
    static final Budget MONTHLY_10 = Budget.of("10", BudgetPeriod.MONTHLY);

    @TempDir
    Path dataDir;

    @Test
    void writesEveryEventTypeAsThisReleaseStoresIt() throws Exception {
        Path out = Path.of(System.getProperty("fixture.write"));
        try (RunningGateway gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir,
                "tollgate.boosts.expiry-sweep-interval=1h")) {
            CommandGateway commands = gateway.bean(CommandGateway.class);
            record(commands);
            gateway.bean(Snapshotter.class).scheduleSnapshot(Team.class, TEAM);
            DSLContext dsl = gateway.bean(DSLContext.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> dsl.fetchValue(
                    "SELECT count(*) FROM snapshotevententry WHERE aggregateidentifier = ?", TEAM)
                    .toString().equals("1"));

            ObjectNode fixture = dump(dsl);
            Set<String> types = new TreeSet<>();
            fixture.withArray("events").forEach(e -> types.add(e.path("payloadType").asText()));
            assertThat(types).containsExactlyInAnyOrderElementsOf(EVERY_EVENT_TYPE);
            Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(fixture) + "\n");
        }
    }

    /** Every event type of this release: add a new one here (and make {@link #record} store it). */
    static final List<String> EVERY_EVENT_TYPE = List.of(
            "dev.tollgate.api.access.CredentialIssued", "dev.tollgate.api.access.CredentialRevoked",
            "dev.tollgate.api.access.CredentialScopeChanged", "dev.tollgate.api.boost.BoostExpired",
            "dev.tollgate.api.boost.BoostGranted", "dev.tollgate.api.boost.BoostRevoked",
            "dev.tollgate.api.boost.CohortBoostGranted", "dev.tollgate.api.boost.CohortBoostRevoked",
            "dev.tollgate.api.key.KeyIssued", "dev.tollgate.api.key.KeyRevoked", "dev.tollgate.api.key.KeyRotated",
            "dev.tollgate.api.price.PricesPublished", "dev.tollgate.api.recalculation.RecalculationApplied",
            "dev.tollgate.api.recalculation.RecalculationApproved",
            "dev.tollgate.api.recalculation.RecalculationCompleted",
            "dev.tollgate.api.recalculation.RecalculationFailed",
            "dev.tollgate.api.recalculation.RecalculationStarted", "dev.tollgate.api.spend.CostAdjusted",
            "dev.tollgate.api.spend.ReservationExpired", "dev.tollgate.api.spend.ReservationReleased",
            "dev.tollgate.api.spend.SpendOverran", "dev.tollgate.api.spend.SpendRejected",
            "dev.tollgate.api.spend.SpendReserved",
            "dev.tollgate.api.spend.SpendSettled", "dev.tollgate.api.team.KeyBudgetSet",
            "dev.tollgate.api.team.TeamBudgetSet", "dev.tollgate.api.team.TeamCreated",
            "dev.tollgate.api.team.UserBudgetSet", "dev.tollgate.api.team.UserRegistered",
            "dev.tollgate.api.team.UserRemoved", "dev.tollgate.api.team.UserTagsSet");

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
        commands.sendAndWait(new RotateKey(ADA_KEY, hash('b'), "tg_fxad2", "master", "leaked"));
        commands.sendAndWait(new RevokeKey("fx-key-old", "master", "lost"));
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
        ArrayNode snapshots = fixture.putArray("snapshots");
        dsl.resultQuery("SELECT aggregateidentifier, sequencenumber, type, eventidentifier, timestamp, payloadtype, "
                        + "payloadrevision, convert_from(payload, 'UTF8') AS payload, "
                        + "convert_from(metadata, 'UTF8') AS metadata FROM snapshotevententry")
                .fetch().forEach(r -> snapshots.add(row(json, r)));
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
