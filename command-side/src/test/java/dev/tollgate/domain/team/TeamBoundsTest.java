package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.boost.BoostExpired;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.BoostRevoked;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.CostAdjusted;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.TeamLimits;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.topup.BudgetToppedUp;
import dev.tollgate.api.topup.TopUpBudget;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.domain.team.TeamCostAdjustmentTest.adjusted;
import static dev.tollgate.domain.team.TeamCostAdjustmentTest.line;
import static dev.tollgate.domain.team.TeamSpendTest.MARCH;
import static dev.tollgate.domain.team.TeamSpendTest.OUTPUT;
import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.TTL;
import static dev.tollgate.domain.team.TeamSpendTest.alice;
import static dev.tollgate.domain.team.TeamSpendTest.balance;
import static dev.tollgate.domain.team.TeamSpendTest.batch;
import static dev.tollgate.domain.team.TeamSpendTest.m;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything a Team holds is bounded, so that loading and snapshotting a team costs the same in its tenth year as in
 * its first: members (and keys with a budget) by the configured member limit, removals, the accounts of members who
 * left, recalculation chunks, top-ups and ended boosts by windows, boosts per account by a maximum, closed requests by a window (TeamSpendTest), open
 * reservations by their deadline.
 */
class TeamBoundsTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");
    static final TeamLimits TWO_MEMBERS = new TeamLimits(2);

    static UserRegistered registered(String userId, String externalId, boolean auto) {
        return new UserRegistered("cs", userId, externalId, userId, null, Set.of(), auto, auto ? "gateway" : "admin",
                T0.minusSeconds(60), balance(MEMBER, MARCH, "0", "0"));
    }

    static ReserveSpend teamKeyLine(String requestId, String user) {
        return new ReserveSpend(requestId, null, user, "team-key", "gpt-test", m("0.001"), OUTPUT, 1000, 16, TTL,
                Map.of());
    }

    static Matcher<Throwable> limitReached(String code) {
        return new FeatureMatcher<>(org.hamcrest.Matchers.equalTo(code), "a refusal with code", "code") {
            @Override
            protected String featureValueOf(Throwable actual) {
                return actual instanceof CommandRefused refused
                        && refused.reason() == CommandRefused.Reason.LIMIT_REACHED ? refused.code() : null;
            }
        };
    }

    // ------------------------------------------------------------------ members

    @Test
    void anAdminRegistrationPastTheMemberLimitIsRefused() {
        TeamFixture.withLimits(TWO_MEMBERS)
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), registered("bob", "bob", false))
                .andGivenCurrentTime(T0)
                .when(new RegisterUser("cs", "carol", null, "Carol", null, Set.of(), "admin"))
                .expectException(limitReached("team_member_limit"))
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("its most (2)"))
                .expectNoEvents();
    }

    @Test
    void aTeamKeysNewUserPastTheMemberLimitIsRejectedAndTheRejectionRecorded() {
        TeamFixture.withLimits(TWO_MEMBERS)
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        registered("cs:bob", "bob", true))
                .andGivenCurrentTime(T0)
                .when(batch(teamKeyLine("r1", "zed")))
                .expectEvents(new SpendRejected("r1", "cs", null, "team-key", "gpt-test", Team.MEMBER_LIMIT,
                        m("0.003"), m("0"), null, T0, Map.of()))
                .expectResultMessagePayloadMatching(new FeatureMatcher<>(org.hamcrest.Matchers.equalTo(
                        Team.MEMBER_LIMIT), "the limiting budget", "limiting budget") {
                    @Override
                    protected String featureValueOf(Object result) {
                        return ((SpendOutcome.Rejected) ((SpendBatchResult) result).outcomes().get(0))
                                .limitingBudget();
                    }
                });
    }

    @Test
    void aTeamKeysKnownUserIsStillServedAtTheMemberLimit() {
        TeamFixture.withLimits(TWO_MEMBERS)
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        registered("cs:bob", "bob", true))
                .andGivenCurrentTime(T0)
                .when(batch(teamKeyLine("r1", "bob")))
                .expectEvents(new SpendReserved("r1", "cs", "cs:bob", "team-key", "gpt-test", m("0.003"), 1000, 1000,
                        false, T0, T0.plus(TTL), Map.of(), balance(TEAM, MARCH, "0", "0.003"),
                        balance(MEMBER, MARCH, "0", "0.003"), null));
    }

    @Test
    void aRemovedMemberMakesRoomForANewOne() {
        TeamFixture.withLimits(TWO_MEMBERS)
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        registered("cs:bob", "bob", true),
                        new UserRemoved("cs", "cs:bob", "bob", "admin", "left", T0.minusSeconds(30)))
                .andGivenCurrentTime(T0)
                .when(new RegisterUser("cs", "carol", null, "Carol", null, Set.of(), "admin"))
                .expectSuccessfulHandlerExecution()
                .expectState(team -> assertThat(team.removalsRemembered()).isEqualTo(1));
    }

    @Test
    void onlyTheLastTenThousandRemovalsAreRemembered() {
        List<Object> history = new ArrayList<>(List.of(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP)));
        for (int i = 0; i <= Team.REMOVED_WINDOW; i++) {
            history.add(registered("cs:u" + i, "u" + i, true));
            history.add(new UserRemoved("cs", "cs:u" + i, "u" + i, "admin", "left", T0.minusSeconds(30)));
        }
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(batch(teamKeyLine("r1", "u" + Team.REMOVED_WINDOW)))
                .expectEvents(new SpendRejected("r1", "cs", null, "team-key", "gpt-test", Team.MEMBERSHIP,
                        m("0.003"), m("0"), null, T0, Map.of()))
                .expectState(team -> assertThat(team.removalsRemembered()).isEqualTo(Team.REMOVED_WINDOW));
    }

    @Test
    void onlyTheAccountsOfTheLastTenThousandMembersWhoLeftAreRememberedAndTheOldestComesBackAfresh() {
        List<Object> history = new ArrayList<>(List.of(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP)));
        for (int i = 0; i <= Team.LEFT_ACCOUNTS_REMEMBERED; i++) {
            history.add(new UserRegistered("cs", "u" + i, "u" + i, "u" + i, null, Set.of(), false, "admin",
                    T0.minusSeconds(60), balance(MEMBER, MARCH, "0.5", "0")));
            history.add(new UserRemoved("cs", "u" + i, "u" + i, "admin", "left", T0.minusSeconds(30)));
        }
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new RegisterUser("cs", "u0", null, "u0", null, Set.of(), "admin"))
                .expectEvents(new UserRegistered("cs", "u0", "u0", "u0", null, Set.of(), false, "admin", T0,
                        balance(MEMBER, MARCH, "0", "0")))
                .expectState(team -> assertThat(team.leftAccountsRemembered())
                        .isEqualTo(Team.LEFT_ACCOUNTS_REMEMBERED));
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new RegisterUser("cs", "u1", null, "u1", null, Set.of(), "admin"))
                .expectEvents(new UserRegistered("cs", "u1", "u1", "u1", null, Set.of(), false, "admin", T0,
                        balance(MEMBER, MARCH, "0.5", "0")))
                .expectState(team -> assertThat(team.leftAccountsRemembered())
                        .as("an account is forgotten when its member comes back")
                        .isEqualTo(Team.LEFT_ACCOUNTS_REMEMBERED - 1));
    }

    // ------------------------------------------------------------------ keys with a budget

    @Test
    void aKeyBudgetPastTheMemberLimitIsRefusedButAnExistingOneChanges() {
        Budget daily = Budget.of("1", BudgetPeriod.DAILY);
        List<Object> history = List.of(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP),
                new KeyBudgetSet("cs", "k1", daily, null, "admin", "lab", T0, balance(daily,
                        Instant.parse("2026-03-10T00:00:00Z"), "0", "0")),
                new KeyBudgetSet("cs", "k2", daily, null, "admin", "lab", T0, balance(daily,
                        Instant.parse("2026-03-10T00:00:00Z"), "0", "0")));
        TeamFixture.withLimits(TWO_MEMBERS).given(history)
                .andGivenCurrentTime(T0)
                .when(new SetKeyBudget("cs", "k3", daily, "admin", "lab"))
                .expectException(limitReached("team_key_budget_limit"));
        TeamFixture.withLimits(TWO_MEMBERS).given(history)
                .andGivenCurrentTime(T0)
                .when(new SetKeyBudget("cs", "k2", Budget.of("2", BudgetPeriod.DAILY), "admin", "more"))
                .expectSuccessfulHandlerExecution();
    }

    // ------------------------------------------------------------------ boosts

    static BoostGranted teamBoost(int i, Instant endsAt) {
        return new BoostGranted("cs", "b" + i, null, m("1"), T0.minusSeconds(3600), endsAt, "lab", null, "admin",
                T0.minusSeconds(3600));
    }

    @Test
    void aGrantPastTheMostBoostsOfAnAccountIsRefused() {
        List<Object> history = new ArrayList<>(List.of(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP),
                alice(MEMBER)));
        for (int i = 0; i < Team.BOOSTS_PER_ACCOUNT; i++) {
            history.add(teamBoost(i, T0.plusSeconds(86_400)));
        }
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "one-more", null, m("1"), T0, T0.plusSeconds(60), "lab", null, "admin"))
                .expectException(limitReached("boost_limit"))
                .expectExceptionMessage("team 'cs' already has 100 boosts granted and not ended, its most: revoke one "
                        + "or wait for one to end");
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "for-alice", "alice", m("1"), T0, T0.plusSeconds(60), "lab", null,
                        "admin"))
                .expectSuccessfulHandlerExecution()
                .expectState(team -> assertThat(team.boostsRecorded()).isEqualTo(Team.BOOSTS_PER_ACCOUNT + 1));
    }

    /** A member's cohort share refused at the most boosts: the skipped member's reason gives nobody advice. */
    @Test
    void aCohortSharePastTheMostBoostsOfAnAccountIsRefusedWithAReasonForWhoeverReadsTheBoost() {
        List<Object> history = new ArrayList<>(List.of(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP),
                alice(MEMBER)));
        for (int i = 0; i < Team.BOOSTS_PER_ACCOUNT; i++) {
            history.add(new BoostGranted("cs", "b" + i, "alice", m("1"), T0.minusSeconds(3600), T0.plusSeconds(86_400),
                    "lab", null, "admin", T0.minusSeconds(3600)));
        }
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "c1", "alice", m("1"), T0, T0.plusSeconds(60), "hackathon", "c1", "admin"))
                .expectException(limitReached("boost_limit"))
                .expectExceptionMessage("user 'alice' already has 100 boosts granted and not ended, the most an "
                        + "account holds");
    }

    @Test
    void aGrantFirstRecordsTheEndOfTheAccountsEndedBoosts() {
        List<Object> history = new ArrayList<>(List.of(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP)));
        for (int i = 0; i < Team.BOOSTS_PER_ACCOUNT; i++) {
            history.add(teamBoost(i, T0.minusSeconds(i + 1)));
        }
        List<Object> expected = new ArrayList<>();
        for (int i = Team.BOOSTS_PER_ACCOUNT - 1; i >= 0; i--) {
            expected.add(new BoostExpired("cs", "b" + i, null, T0.minusSeconds(i + 1), T0));
        }
        expected.add(new BoostGranted("cs", "one-more", null, m("1"), T0, T0.plusSeconds(60), "lab", null, "admin",
                T0));
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "one-more", null, m("1"), T0, T0.plusSeconds(60), "lab", null, "admin"))
                .expectEvents(expected.toArray())
                .expectState(team -> assertThat(team.boostsRecorded()).isEqualTo(1));
    }

    @Test
    void onlyTheLastTenThousandEndedBoostsAreRemembered() {
        List<Object> history = new ArrayList<>(List.of(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP)));
        for (int i = 0; i <= Team.ENDED_BOOSTS_REMEMBERED; i++) {
            history.add(teamBoost(i, T0.plusSeconds(86_400)));
            history.add(new BoostRevoked("cs", "b" + i, null, "admin", "lab closed", T0.minusSeconds(60)));
        }
        GrantBoost oldest = new GrantBoost("cs", "b0", null, m("1"), T0, T0.plusSeconds(60), "lab", null, "admin");
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(oldest)
                .expectEvents(new BoostGranted("cs", "b0", null, m("1"), T0, T0.plusSeconds(60), "lab", null, "admin",
                        T0))
                .expectState(team -> assertThat(team.endedBoostsRemembered())
                        .isEqualTo(Team.ENDED_BOOSTS_REMEMBERED));
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b" + Team.ENDED_BOOSTS_REMEMBERED, null, m("1"), T0, T0.plusSeconds(60),
                        "lab", null, "admin"))
                .expectException(TeamFixture.conflict());
    }

    // ------------------------------------------------------------------ top-ups

    @Test
    void onlyTheLastTenThousandTopUpsAreRemembered() {
        Budget allowance = Budget.of("1", BudgetPeriod.NONE);
        List<Object> history = new ArrayList<>(List.of(new dev.tollgate.api.team.TeamCreated("cs", "CS", allowance,
                MEMBER, OverBudgetPolicy.CLAMP, "admin", null, T0.minusSeconds(3600), lifetime(allowance))));
        Budget after = allowance;
        for (int i = 0; i <= Team.TOP_UPS_REMEMBERED; i++) {
            after = new Budget(after.limit().plus(m("1")), BudgetPeriod.NONE);
            history.add(new BudgetToppedUp("cs", "t" + i, null, m("1"), after, "finance", "more", T0.minusSeconds(60),
                    lifetime(after)));
        }
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t0", null, m("1"), "finance", "more"))
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.payloadsMatching(
                        org.axonframework.test.matchers.Matchers.exactSequenceOf(
                                org.hamcrest.Matchers.<Object>instanceOf(BudgetToppedUp.class),
                                org.axonframework.test.matchers.Matchers.andNoMore())))
                .expectState(team -> assertThat(team.topUpsRemembered()).isEqualTo(Team.TOP_UPS_REMEMBERED));
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0)
                .when(new TopUpBudget("cs", "t" + Team.TOP_UPS_REMEMBERED, null, m("1"), "finance", "more"))
                .expectNoEvents();
    }

    static AccountBalance lifetime(Budget budget) {
        return new AccountBalance(budget.limit(), BudgetPeriod.NONE, Instant.EPOCH, null, Money.ZERO, Money.ZERO);
    }

    // ------------------------------------------------------------------ recalculation chunks

    @Test
    void aChunkSentBeforeThePreviousOneWasRecordedIsRefused() {
        TeamFixture.create()
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .when(new AdjustCosts("cs", "recalc_1", T0, 1, List.of(line("r2", T0)), "admin", "invoice"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void onlyTheChunksOfTheLastHundredRecalculationsAreRemembered() {
        List<Object> history = new ArrayList<>(List.of(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP),
                alice(MEMBER)));
        for (int i = 0; i < Team.RECALCULATIONS_REMEMBERED; i++) {
            CostAdjusted adjusted = adjusted("r" + i, T0, 0, T0, "0.0015", "0.0015", MARCH);
            history.add(new CostAdjusted(adjusted.requestId(), "cs", "alice", "key-1", "gpt-test", "openai",
                    adjusted.usage(), T0, Map.of(), adjusted.previousCost(), adjusted.newCost(),
                    adjusted.difference(), "v2", "recalc_" + i, 0, "admin", "invoice", T0, adjusted.teamBalance(),
                    adjusted.userBalance(), null));
        }
        TeamFixture.create().given(history)
                .andGivenCurrentTime(T0.plusSeconds(60))
                .when(new AdjustCosts("cs", "recalc_new", T0.plusSeconds(60), 0, List.of(line("r1", T0)), "admin", "invoice"))
                .expectSuccessfulHandlerExecution()
                .expectState(team -> assertThat(team.recalculationsRemembered())
                        .isEqualTo(Team.RECALCULATIONS_REMEMBERED));
    }
}
