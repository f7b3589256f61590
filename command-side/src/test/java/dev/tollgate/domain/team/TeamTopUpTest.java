package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.topup.BudgetToppedUp;
import dev.tollgate.api.topup.TopUpBudget;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.domain.team.TeamBoostTest.outcomes;

/**
 * Lifetime allowances: a limited budget without period never resets, and a top-up raises its limit for good (unlike
 * a boost, it has no end). Every worst case here costs 0.003 (see {@link TeamBoostTest}).
 */
class TeamTopUpTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Budget ALLOWANCE = Budget.of("0.003", BudgetPeriod.NONE);
    static final Budget TEAM = Budget.of("100", BudgetPeriod.MONTHLY);
    static final Budget MEMBER = Budget.of("1", BudgetPeriod.MONTHLY);

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static AccountBalance lifetime(Budget budget, String spent) {
        return new AccountBalance(budget.limit(), BudgetPeriod.NONE, Instant.EPOCH, null, Money.of(spent), Money.ZERO);
    }

    static AccountBalance monthly(Budget budget) {
        return new AccountBalance(budget.limit(), budget.period(), Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-04-01T00:00:00Z"), Money.ZERO, Money.ZERO);
    }

    /** A team with Alice, whose own budget is a lifetime allowance of one request. */
    static Object[] thesisStudent() {
        return new Object[]{
                new TeamCreated("cs", "CS", TEAM, MEMBER, OverBudgetPolicy.REJECT, "admin", null, T0.minusSeconds(60),
                        monthly(TEAM)),
                new UserRegistered("cs", "alice", "alice", "Alice", ALLOWANCE, Set.of(), false, "admin",
                        T0.minusSeconds(50), lifetime(ALLOWANCE, "0"))};
    }

    static RecordSpendBatch reserve(String requestId) {
        return new RecordSpendBatch("cs", List.of(new ReserveSpend(requestId, "alice", null, "k", "m",
                Money.of("0.001"), TokenPrice.perMillion("2"), 1000, 16, Duration.ofMinutes(15), Map.of())));
    }

    static RecordSpendBatch settle(String requestId) {
        return new RecordSpendBatch("cs", List.of(new SettleSpend(requestId, "m", new Usage(1000, 1000, 0, 0),
                Money.of("0.003"), "v1", "p", "d", 10)));
    }

    @Test
    void aTopUpRaisesAMembersLifetimeAllowanceKeepingWhatWasSpent() {
        Budget after = Budget.of("0.013", BudgetPeriod.NONE);
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"), settle("r1"))
                .when(new TopUpBudget("cs", "t1", "alice", Money.of("0.01"), "finance", "second semester"))
                .expectEvents(new BudgetToppedUp("cs", "t1", "alice", Money.of("0.01"), after, "finance",
                        "second semester", T0, lifetime(after, "0.003")));
    }

    @Test
    void anExhaustedAllowanceAffordsRequestsAgainOnceToppedUp() {
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"), settle("r1"))
                .when(reserve("r2"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Rejected.class));

        fixture = TeamFixture.create();
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"), settle("r1"),
                        new TopUpBudget("cs", "t1", "alice", Money.of("0.003"), "finance", "one more"))
                .when(reserve("r2"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Reserved.class));
    }

    @Test
    void theBalanceNeverResetsAndTheTopUpNeverEnds() {
        // a year later: a monthly budget would have started again many times, the allowance has not
        Instant nextYear = T0.plus(Duration.ofDays(365));
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"), settle("r1"),
                        new TopUpBudget("cs", "t1", "alice", Money.of("0.003"), "finance", "one more"))
                .andGivenCurrentTime(nextYear)
                .andGivenCommands(reserve("r2"), settle("r2"))
                .when(reserve("r3"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Rejected.class));
    }

    @Test
    void theTeamsOwnLifetimeAllowanceCanBeToppedUp() {
        Budget teamAllowance = Budget.of("50", BudgetPeriod.NONE);
        Budget after = Budget.of("75.5", BudgetPeriod.NONE);
        fixture.given(new TeamCreated("cs", "CS", teamAllowance, MEMBER, OverBudgetPolicy.REJECT, "admin", null,
                        T0.minusSeconds(60), lifetime(teamAllowance, "0")))
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t1", null, Money.of("25.5"), "finance", "grant money arrived"))
                .expectEvents(new BudgetToppedUp("cs", "t1", null, Money.of("25.5"), after, "finance",
                        "grant money arrived", T0, lifetime(after, "0")));
    }

    @Test
    void aManagersTopUpMayNotLeaveAnAllowanceAboveTheirCap() {
        Money cap = Money.of("0.01");
        // 0.003 + 0.007 is the cap itself
        Budget atCap = Budget.of("0.01", BudgetPeriod.NONE);
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t1", "alice", Money.of("0.007"), "manager", "more", cap))
                .expectEvents(new BudgetToppedUp("cs", "t1", "alice", Money.of("0.007"), atCap, "manager", "more", T0,
                        lifetime(atCap, "0")));

        // each top-up below the cap, their sum above it: the second is refused on the allowance as it is
        fixture = TeamFixture.create();
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .andGivenCommands(new TopUpBudget("cs", "t1", "alice", Money.of("0.005"), "manager", "more", cap))
                .when(new TopUpBudget("cs", "t2", "alice", Money.of("0.005"), "manager", "more", cap))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("Your budget cap is 0.01"))
                .expectNoEvents();
    }

    @Test
    void aPeriodicBudgetIsBoostedNotToppedUp() {
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t1", null, Money.of("1"), "finance", "more"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("grant a boost instead"))
                .expectNoEvents();
    }

    @Test
    void aMemberFollowingTheTeamDefaultOrUnlimitedOrWithoutAmountIsRefused() {
        fixture.given(thesisStudent())
                .andGiven(new UserBudgetSet("cs", "alice", null, ALLOWANCE, "admin", "back to default", T0,
                        monthly(MEMBER)))
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t1", "alice", Money.of("1"), "finance", "more"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("follows the team's member budget"));

        fixture = TeamFixture.create();
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t1", "alice", Money.of("0"), "finance", "nothing"))
                .expectException(CommandRefused.class)
                .expectNoEvents();

        fixture = TeamFixture.create();
        fixture.given(new TeamCreated("cs", "CS", Budget.UNLIMITED, MEMBER, OverBudgetPolicy.REJECT, "admin", null,
                        T0.minusSeconds(60), lifetime(Budget.UNLIMITED, "0")))
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t1", null, Money.of("1"), "finance", "more"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("no limit"));
    }

    // ------------------------------------------------------------------ a top-up's id

    @Test
    void aTopUpSentAgainWithItsIdRaisesTheAllowanceOnce() {
        TopUpBudget topUp = new TopUpBudget("cs", "t1", "alice", Money.of("0.01"), "finance", "second semester");
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .andGivenCommands(topUp)
                .when(topUp)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();

        // the next top-up starts from 0.003 + 0.01, not from 0.003 + 0.01 + 0.01
        Budget after = Budget.of("0.014", BudgetPeriod.NONE);
        fixture = TeamFixture.create();
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .andGivenCommands(topUp, topUp)
                .when(new TopUpBudget("cs", "t2", "alice", Money.of("0.001"), "finance", "a little more"))
                .expectEvents(new BudgetToppedUp("cs", "t2", "alice", Money.of("0.001"), after, "finance",
                        "a little more", T0, lifetime(after, "0")));
    }

    @Test
    void aTopUpSentAgainIsNotJudgedAgainstTheAllowanceAsItIsNow() {
        // the first was within the manager's cap; sent again at the cap, it is the same top-up, not a second one
        Money cap = Money.of("0.01");
        TopUpBudget topUp = new TopUpBudget("cs", "t1", "alice", Money.of("0.007"), "manager", "more", cap);
        fixture.given(thesisStudent())
                .andGivenCurrentTime(T0)
                .andGivenCommands(topUp)
                .when(topUp)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aTopUpIdTakenAgainForAnotherAmountOrAccountIsRefusedAsAConflict() {
        Budget teamAllowance = Budget.of("50", BudgetPeriod.NONE);
        Object[] history = {
                new TeamCreated("cs", "CS", teamAllowance, MEMBER, OverBudgetPolicy.REJECT, "admin", null,
                        T0.minusSeconds(60), lifetime(teamAllowance, "0")),
                new UserRegistered("cs", "alice", "alice", "Alice", ALLOWANCE, Set.of(), false, "admin",
                        T0.minusSeconds(50), lifetime(ALLOWANCE, "0"))};
        TopUpBudget first = new TopUpBudget("cs", "t1", "alice", Money.of("0.01"), "finance", "semester");

        fixture.given(history)
                .andGivenCurrentTime(T0)
                .andGivenCommands(first)
                .when(new TopUpBudget("cs", "t1", "alice", Money.of("0.02"), "finance", "semester"))
                .expectException(TeamFixture.conflict())
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("top-up 't1' was already made, 0.01 "
                        + "for user 'alice'"))
                .expectNoEvents();

        fixture = TeamFixture.create();
        fixture.given(history)
                .andGivenCurrentTime(T0)
                .andGivenCommands(first)
                .when(new TopUpBudget("cs", "t1", null, Money.of("0.01"), "finance", "semester"))
                .expectException(TeamFixture.conflict())
                .expectNoEvents();
    }

    @Test
    void aTeamRebuiltFromItsEventsRemembersItsTopUps() {
        // the top-up as stored by a release before the team remembered top-ups: its event alone
        Budget after = Budget.of("0.013", BudgetPeriod.NONE);
        fixture.given(thesisStudent())
                .andGiven(new BudgetToppedUp("cs", "t1", "alice", Money.of("0.01"), after, "finance", "semester",
                        T0.minusSeconds(10), lifetime(after, "0")))
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t1", "alice", Money.of("0.01"), "finance", "semester"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents()
                .expectState(team -> org.assertj.core.api.Assertions.assertThat(team.topUpsRemembered()).isOne());
    }
}
