package dev.tollgate.domain.team;

import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.topup.BudgetToppedUp;
import dev.tollgate.api.topup.TopUpBudget;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static dev.tollgate.domain.team.TeamBoundsTest.limitReached;
import static org.hamcrest.Matchers.equalTo;

/**
 * A manager's budget cap bounds the limit a change of a budget leaves an account with, as it bounds the limit a
 * boost leaves: the new limit plus every boost on the account not yet ended (running or still to start) may not
 * exceed it, whichever came first. The team's budget is 100 a month, its member budget 5; alice follows it, bob has
 * 5 of his own; the manager's cap is 12 (150 where the team's budget is raised).
 */
class TeamLimitCapTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
    static final Instant TOMORROW = T0.plusSeconds(86_400);
    static final Budget TEAM = Budget.of("100", BudgetPeriod.MONTHLY);
    static final Budget MEMBER = Budget.of("5", BudgetPeriod.MONTHLY);
    static final Money CAP = Money.of("12");

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static AccountBalance monthly(Budget budget) {
        return new AccountBalance(budget.limit(), budget.period(), MARCH, APRIL, Money.ZERO, Money.ZERO);
    }

    static Object[] teamWithAliceAndBob() {
        return new Object[]{
                new TeamCreated("cs", "CS", TEAM, MEMBER, OverBudgetPolicy.REJECT, "admin", null, T0.minusSeconds(60),
                        monthly(TEAM)),
                new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                        T0.minusSeconds(50), monthly(MEMBER)),
                new UserRegistered("cs", "bob", "bob", "Bob", MEMBER, Set.of(), false, "admin",
                        T0.minusSeconds(50), monthly(MEMBER))};
    }

    static BoostGranted boost(String boostId, String userId, String amount, Instant startsAt, Instant endsAt) {
        return new BoostGranted("cs", boostId, userId, Money.of(amount), startsAt, endsAt, "project", null, "manager",
                T0.minusSeconds(40));
    }

    static Budget monthly(String limit) {
        return Budget.of(limit, BudgetPeriod.MONTHLY);
    }

    @Test
    void aCappedManagerMayNotRaiseALimitUnderBoostsGrantedEarlierPastTheirCap() {
        // 5 + 7 was within the cap when the boost was granted; 12 + 7 is not
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", "bob", "7", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                .when(new SetUserBudget("cs", "bob", monthly("12"), "manager", "more", CAP))
                .expectException(limitReached("permission_denied"))
                .expectExceptionMessage(equalTo("Your budget cap is 12: user 'bob''s limit, 12, with its boosts not "
                        + "yet ended, 7, would come to 19, above it."))
                .expectNoEvents();
    }

    @Test
    void boostsStillToStartCountAgainstALimitChangeToo() {
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", "bob", "7", TOMORROW, TOMORROW.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(new SetUserBudget("cs", "bob", monthly("6"), "manager", "more", CAP))
                .expectException(limitReached("permission_denied"))
                .expectNoEvents();
    }

    @Test
    void aCappedManagersLimitWithTheBoostsNotYetEndedUpToTheCapIsSet() {
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", "bob", "7", T0.minusSeconds(30), TOMORROW),
                        boost("b0", "bob", "50", T0.minusSeconds(3600), T0.minusSeconds(1)))
                .andGivenCurrentTime(T0)
                // 5 + 7: the boost of 50 has ended (its end not recorded yet), so it leaves room again
                .when(new SetUserBudget("cs", "bob", monthly("5"), "manager", "same again", CAP))
                .expectEvents(new UserBudgetSet("cs", "bob", monthly("5"), MEMBER, "manager", "same again", T0,
                        monthly(monthly("5"))));
    }

    @Test
    void anUncappedActorsLimitIsNotBoundedByBoosts() {
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", "bob", "7", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                .when(new SetUserBudget("cs", "bob", monthly("12"), "admin", "more"))
                .expectEvents(new UserBudgetSet("cs", "bob", monthly("12"), MEMBER, "admin", "more", T0,
                        monthly(monthly("12"))));
    }

    @Test
    void returningABoostedMemberToTheTeamDefaultCountsTheirBoostsOnTheMemberBudget() {
        fixture.given(teamWithAliceAndBob())
                .andGiven(new TeamBudgetSet("cs", TEAM, monthly("10"), OverBudgetPolicy.REJECT, TEAM, "admin", "x",
                                T0.minusSeconds(45), monthly(TEAM)),
                        boost("b1", "bob", "7", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                .when(new SetUserBudget("cs", "bob", null, "manager", "back to the default", CAP))
                .expectException(limitReached("permission_denied"))
                .expectExceptionMessage(equalTo("Your budget cap is 12: user 'bob''s limit, 10, with its boosts not "
                        + "yet ended, 7, would come to 17, above it."))
                .expectNoEvents();
    }

    @Test
    void aCappedManagersTopUpCountsTheBoostsOnTheAllowance() {
        Budget allowance = Budget.of("5", BudgetPeriod.NONE);
        fixture.given(teamWithAliceAndBob())
                .andGiven(new UserBudgetSet("cs", "bob", allowance, MEMBER, "admin", "thesis", T0.minusSeconds(45),
                                new AccountBalance(allowance.limit(), BudgetPeriod.NONE, Instant.EPOCH, null,
                                        Money.ZERO, Money.ZERO)),
                        boost("b1", "bob", "7", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                // the allowance after it, 6, is within the cap of 12; with the boost of 7, it is not
                .when(new TopUpBudget("cs", "t1", "bob", Money.of("1"), "manager", "more", CAP))
                .expectException(limitReached("permission_denied"))
                .expectExceptionMessage(equalTo("Your budget cap is 12: user 'bob''s allowance after this top-up, 6, "
                        + "with its boosts not yet ended, 7, would come to 13, above it."))
                .expectNoEvents();
    }

    @Test
    void aCappedManagersTopUpUpToTheCapWithTheBoostsIsMade() {
        Budget allowance = Budget.of("5", BudgetPeriod.NONE);
        Budget after = Budget.of("5.5", BudgetPeriod.NONE);
        fixture.given(teamWithAliceAndBob())
                .andGiven(new UserBudgetSet("cs", "bob", allowance, MEMBER, "admin", "thesis", T0.minusSeconds(45),
                                new AccountBalance(allowance.limit(), BudgetPeriod.NONE, Instant.EPOCH, null,
                                        Money.ZERO, Money.ZERO)),
                        boost("b1", "bob", "6.5", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t1", "bob", Money.of("0.5"), "manager", "more", CAP))
                .expectEvents(new BudgetToppedUp("cs", "t1", "bob", Money.of("0.5"), after, "manager", "more", T0,
                        new AccountBalance(after.limit(), BudgetPeriod.NONE, Instant.EPOCH, null, Money.ZERO,
                                Money.ZERO)));
    }

    @Test
    void aCappedManagersMemberBudgetMayNotTakeAFollowingMemberWithBoostsPastTheCap() {
        // bob's own budget does not follow the member budget: his boost of 50 is not the member budget's concern
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", "alice", "7", T0.minusSeconds(30), TOMORROW),
                        boost("b2", "bob", "50", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                .when(new SetTeamBudget("cs", monthly("12"), monthly("6"), null, "manager", "more", CAP))
                .expectException(limitReached("permission_denied"))
                .expectExceptionMessage(equalTo("Your budget cap is 12: the member budget, 6, with the boosts not yet "
                        + "ended of user 'alice', who follows it, 7, would come to 13, above it."))
                .expectNoEvents();
    }

    @Test
    void aCappedManagersMemberBudgetWithinTheCapForEveryFollowingMemberIsSet() {
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", "alice", "7", T0.minusSeconds(30), TOMORROW),
                        boost("b2", "bob", "50", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                .when(new SetTeamBudget("cs", monthly("12"), monthly("5"), null, "manager", "same", CAP))
                .expectEvents(new TeamBudgetSet("cs", monthly("12"), monthly("5"), OverBudgetPolicy.REJECT, TEAM,
                        "manager", "same", T0, monthly(monthly("12"))));
    }

    @Test
    void aCappedManagersTeamBudgetCountsTheTeamsBoosts() {
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", null, "50", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                .when(new SetTeamBudget("cs", monthly("120"), null, null, "manager", "more", Money.of("150")))
                .expectException(limitReached("permission_denied"))
                .expectExceptionMessage(equalTo("Your budget cap is 150: team 'cs''s limit, 120, with its boosts "
                        + "not yet ended, 50, would come to 170, above it."))
                .expectNoEvents();
    }

    @Test
    void aCappedManagersTeamBudgetWithTheTeamsBoostsUpToTheCapIsSet() {
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", null, "50", T0.minusSeconds(30), TOMORROW))
                .andGivenCurrentTime(T0)
                .when(new SetTeamBudget("cs", monthly("100"), null, null, "manager", "same", Money.of("150")))
                .expectEvents(new TeamBudgetSet("cs", monthly("100"), MEMBER, OverBudgetPolicy.REJECT, TEAM,
                        "manager", "same", T0, monthly(TEAM)));
    }
}
