package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.alert.BudgetThresholdCrossed;
import dev.tollgate.api.alert.CrossingCause;
import dev.tollgate.api.alert.RemoveThreshold;
import dev.tollgate.api.alert.SetThreshold;
import dev.tollgate.api.alert.ThresholdKind;
import dev.tollgate.api.alert.ThresholdScope;
import dev.tollgate.api.alert.ThresholdSet;
import dev.tollgate.api.boost.BoostExpired;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.ExpireBoosts;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.CostAdjustment;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserRegistered;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.hamcrest.BaseMatcher;
import org.hamcrest.Description;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thresholds: crossing one records {@link BudgetThresholdCrossed} once per threshold, account and period, whatever
 * crosses it (a request, a boost ending, a cost correction, a lowered budget, a new period), and never again for the
 * same period: not for a retried command, nor after the Team is rebuilt from its events (a restart, a replay).
 * Every request here reserves 0.003; alice's budget is 0.01 a month.
 */
class TeamThresholdTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
    static final Budget TEAM = Budget.of("100", BudgetPeriod.MONTHLY);
    static final Budget MEMBER = Budget.of("0.01", BudgetPeriod.MONTHLY);

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static AccountBalance fresh(Budget budget) {
        return new AccountBalance(budget.limit(), budget.period(), MARCH, APRIL, Money.ZERO, Money.ZERO);
    }

    static Object[] team(String... tagsOfBob) {
        return new Object[]{
                new TeamCreated("cs", "CS", TEAM, MEMBER, OverBudgetPolicy.CLAMP, "admin", null, T0.minusSeconds(60),
                        fresh(TEAM)),
                new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of("thesis"), false, "admin",
                        T0.minusSeconds(50), fresh(MEMBER)),
                new UserRegistered("cs", "bob", "bob", "Bob", null, Set.of(tagsOfBob), false, "admin",
                        T0.minusSeconds(50), fresh(MEMBER))};
    }

    static SetThreshold onUser(String id, String userId, int percent) {
        return new SetThreshold("cs", id, ThresholdScope.USER, userId, ThresholdKind.PERCENT, percent, "manager",
                "warn early");
    }

    static RecordSpendBatch request(String requestId, String userId, String keyId, String cost) {
        return new RecordSpendBatch("cs", List.of(
                new ReserveSpend(requestId, userId, null, keyId, "m", Money.of("0.001"), TokenPrice.perMillion("2"),
                        1000, 16, Duration.ofMinutes(15), Map.of()),
                new SettleSpend(requestId, "m", new Usage(1000, 1000, 0, 0), Money.of(cost), "v1", "p", "d", 10)));
    }

    /** The events {@code command} records. */
    static List<Object> eventsOf(TestExecutor<Team> executor, Object command) {
        List<Object> payloads = new ArrayList<>();
        executor.when(command).expectEventsMatching(new BaseMatcher<List<? super EventMessage<?>>>() {
            @Override
            public boolean matches(Object actual) {
                ((List<?>) actual).forEach(message -> payloads.add(((EventMessage<?>) message).getPayload()));
                return true;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("any events");
            }
        });
        return payloads;
    }

    static List<BudgetThresholdCrossed> crossings(List<Object> events) {
        return events.stream().filter(BudgetThresholdCrossed.class::isInstance).map(BudgetThresholdCrossed.class::cast)
                .toList();
    }

    @Test
    void oneRequestCrossesAThresholdOnceAndTheNextRequestsOfThePeriodDoNotAgain() {
        List<Object> events = eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                .andGivenCommands(onUser("half", "alice", 50), request("r1", "alice", null, "0.003")),
                request("r2", "alice", null, "0.003"));

        assertThat(crossings(events)).singleElement().satisfies(crossed -> {
            assertThat(crossed.alertId()).isEqualTo("cs/half/user:alice/" + MARCH);
            assertThat(crossed.account()).isEqualTo("user");
            assertThat(crossed.userId()).isEqualTo("alice");
            assertThat(crossed.cause()).isEqualTo(CrossingCause.REQUEST);
            assertThat(crossed.requestId()).isEqualTo("r2");
            assertThat(crossed.spent()).isEqualTo(Money.of("0.006"));
            assertThat(crossed.effectiveLimit()).isEqualTo(Money.of("0.01"));
            assertThat(crossed.periodStart()).isEqualTo(MARCH);
            assertThat(crossed.periodEnd()).isEqualTo(APRIL);
        });

        fixture = TeamFixture.create();
        assertThat(crossings(eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                        .andGivenCommands(onUser("half", "alice", 50), request("r1", "alice", null, "0.003"),
                                request("r2", "alice", null, "0.003")),
                request("r3", "alice", null, "0.003"))))
                .as("crossed already in this period").isEmpty();
    }

    @Test
    void aTeamRebuiltFromItsEventsDoesNotCrossAgain() {
        BudgetThresholdCrossed recorded = new BudgetThresholdCrossed("cs/half/user:alice/" + MARCH, "cs", "half",
                ThresholdScope.USER, "alice", ThresholdKind.PERCENT, 50, "user", "alice", null, Money.of("0.01"),
                Money.of("0.006"), MARCH, APRIL, null, CrossingCause.REQUEST, "r2", T0);
        // as a restart or a replay loads it: the stored events, the crossing among them
        assertThat(crossings(eventsOf(fixture.given(team())
                        .andGiven(new ThresholdSet("cs", "half", ThresholdScope.USER, "alice", ThresholdKind.PERCENT,
                                        50, "manager", "warn early", T0.minusSeconds(40)),
                                recorded)
                        .andGivenCurrentTime(T0)
                        .andGivenCommands(request("r1", "alice", null, "0.006")),
                request("r3", "alice", null, "0.003")))).isEmpty();
    }

    @Test
    void aBoostEndingLowersTheLimitAndCrossesAThreshold() {
        Instant ends = T0.plusSeconds(100);
        List<Object> events = eventsOf(fixture.given(team())
                        .andGiven(new BoostGranted("cs", "b1", "alice", Money.of("0.01"), T0.minusSeconds(10), ends,
                                "project week", null, "admin", T0.minusSeconds(10)))
                        .andGivenCurrentTime(T0)
                        .andGivenCommands(onUser("most", "alice", 80), request("r1", "alice", null, "0.003"),
                                request("r2", "alice", null, "0.003"), request("r3", "alice", null, "0.003"))
                        .andGivenCurrentTime(ends.plusSeconds(1)),
                new ExpireBoosts("cs"));

        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOf(BoostExpired.class);
        assertThat(crossings(events)).singleElement().satisfies(crossed -> {
            assertThat(crossed.cause()).isEqualTo(CrossingCause.BOOST_ENDED);
            assertThat(crossed.effectiveLimit()).as("without the boost").isEqualTo(Money.of("0.01"));
            assertThat(crossed.spent()).isEqualTo(Money.of("0.009"));
            assertThat(crossed.requestId()).isNull();
        });
    }

    @Test
    void aNewPeriodCrossesTheSameThresholdAgainOnce() {
        Instant april = Instant.parse("2026-04-02T08:00:00Z");
        List<Object> events = eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                        .andGivenCommands(onUser("half", "alice", 50), request("r1", "alice", null, "0.006"))
                        .andGivenCurrentTime(april)
                        .andGivenCommands(request("r2", "alice", null, "0.003")),
                request("r3", "alice", null, "0.003"));

        assertThat(crossings(events)).singleElement().satisfies(crossed -> {
            assertThat(crossed.alertId()).isEqualTo("cs/half/user:alice/" + APRIL);
            assertThat(crossed.periodStart()).isEqualTo(APRIL);
            assertThat(crossed.spent()).as("April's spend only").isEqualTo(Money.of("0.006"));
            assertThat(crossed.requestId()).isEqualTo("r3");
        });
    }

    @Test
    void aRecalculationThatRaisesCostsCrossesAThreshold() {
        CostAdjustment line = new CostAdjustment("r1", "alice", null, "m", "p", new Usage(1000, 1000, 0, 0),
                T0, Map.of(), Money.of("0.003"), Money.of("0.009"), "v2");
        List<Object> events = eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                        .andGivenCommands(onUser("most", "alice", 80), request("r1", "alice", null, "0.003"),
                                request("r2", "alice", null, "0.002")),
                new AdjustCosts("cs", "recalc_1", T0, 0, List.of(line), "admin", "invoice"));

        assertThat(crossings(events)).singleElement().satisfies(crossed -> {
            assertThat(crossed.cause()).isEqualTo(CrossingCause.RECALCULATION);
            assertThat(crossed.requestId()).isEqualTo("r1");
            assertThat(crossed.spent()).isEqualTo(Money.of("0.011"));
        });
    }

    @Test
    void aLoweredBudgetCrossesAThreshold() {
        List<Object> events = eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                        .andGivenCommands(onUser("most", "alice", 80), request("r1", "alice", null, "0.005")),
                new SetUserBudget("cs", "alice", Budget.of("0.006", BudgetPeriod.MONTHLY), "admin", "cut"));

        assertThat(crossings(events)).singleElement().satisfies(crossed -> {
            assertThat(crossed.cause()).isEqualTo(CrossingCause.BUDGET_CHANGED);
            assertThat(crossed.effectiveLimit()).isEqualTo(Money.of("0.006"));
        });
    }

    @Test
    void aThresholdSetOnAnAccountAlreadyPastItIsCrossedAtOnce() {
        List<Object> events = eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                        .andGivenCommands(request("r1", "alice", null, "0.009")),
                new SetThreshold("cs", "team-warn", ThresholdScope.USER, "alice", ThresholdKind.PERCENT, 50,
                        "manager", "warn"));

        assertThat(events.get(0)).isInstanceOf(ThresholdSet.class);
        assertThat(crossings(events)).singleElement()
                .satisfies(crossed -> assertThat(crossed.cause()).isEqualTo(CrossingCause.THRESHOLD_SET));
    }

    @Test
    void aTagThresholdWatchesEveryMemberCarryingTheTagAndNoOther() {
        SetThreshold thesis = new SetThreshold("cs", "thesis", ThresholdScope.TAG, "thesis", ThresholdKind.PERCENT,
                50, "manager", "cohort");
        assertThat(crossings(eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                        .andGivenCommands(thesis), request("b1", "bob", null, "0.009")))).isEmpty();

        fixture = TeamFixture.create();
        assertThat(crossings(eventsOf(fixture.given(team()).andGivenCurrentTime(T0).andGivenCommands(thesis),
                request("a1", "alice", null, "0.009")))).singleElement()
                .satisfies(crossed -> assertThat(crossed.userId()).isEqualTo("alice"));
    }

    @Test
    void teamAndKeyThresholdsWatchTheirOwnAccounts() {
        List<Object> events = eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                        .andGivenCommands(
                                new dev.tollgate.api.team.SetTeamBudget("cs", Budget.of("0.2", BudgetPeriod.MONTHLY),
                                        null, null, "admin", "small"),
                                new SetKeyBudget("cs", "k1", Budget.of("0.004", BudgetPeriod.MONTHLY), "admin", "lab"),
                                new SetThreshold("cs", "key", ThresholdScope.KEY, "k1", ThresholdKind.PERCENT, 100,
                                        "manager", "key"),
                                new SetThreshold("cs", "team", ThresholdScope.TEAM, null, ThresholdKind.PERCENT, 1,
                                        "manager", "team")),
                request("r1", "alice", "k1", "0.004"));

        assertThat(crossings(events)).extracting(BudgetThresholdCrossed::account, BudgetThresholdCrossed::keyId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("team", null),
                        org.assertj.core.groups.Tuple.tuple("key", "k1"));
    }

    @Test
    void aRunOutThresholdIsCrossedWhenThePaceOfThePeriodRunsTheBudgetOutBeforeItEnds() {
        // 9.5 days into March's 31: 0.006 spent is a pace of 0.0196 for the month, twice the budget
        List<Object> events = eventsOf(fixture.given(team()).andGivenCurrentTime(T0)
                        .andGivenCommands(new SetThreshold("cs", "pace", ThresholdScope.USER, "alice",
                                ThresholdKind.RUN_OUT, 0, "manager", "pace"), request("r1", "alice", null, "0.003")),
                request("r2", "alice", null, "0.003"));

        assertThat(crossings(events)).singleElement().satisfies(crossed -> {
            assertThat(crossed.kind()).isEqualTo(ThresholdKind.RUN_OUT);
            // 9.5 days × 0.01 / 0.006 = 15.8333 days after March 1
            assertThat(crossed.projectedRunOut()).isEqualTo(MARCH.plusMillis(Duration.ofHours(228).toMillis()
                    * 10 / 6));
        });
        assertThat(Team.runOutAt(MARCH, APRIL, 3_000_000, 10_000_000, MARCH.plus(Duration.ofDays(2))))
                .as("too early in the period to judge").isNull();
        assertThat(Team.runOutAt(MARCH, APRIL, 1_000_000, 10_000_000, T0))
                .as("at this pace the budget lasts past the period").isAfter(APRIL);
    }

    @Test
    void removedThresholdsStopAndAreBounded() {
        fixture.given(team()).andGivenCurrentTime(T0)
                .andGivenCommands(onUser("half", "alice", 50), new RemoveThreshold("cs", "half", "manager", "done"))
                .when(request("r1", "alice", null, "0.009"))
                .expectSuccessfulHandlerExecution()
                .expectState(team -> assertThat(team.crossingsRemembered()).isZero());

        fixture = TeamFixture.create();
        fixture.given(team()).andGivenCurrentTime(T0)
                .when(new SetThreshold("cs", "x", ThresholdScope.USER, "alice", ThresholdKind.PERCENT, 0, "m", "r"))
                .expectException(CommandRefused.class);
    }
}
