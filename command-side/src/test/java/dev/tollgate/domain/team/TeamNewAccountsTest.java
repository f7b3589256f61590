package dev.tollgate.domain.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.domain.team.TeamSpendTest.MARCH;
import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.TTL;
import static dev.tollgate.domain.team.TeamSpendTest.alice;
import static dev.tollgate.domain.team.TeamSpendTest.balance;
import static dev.tollgate.domain.team.TeamSpendTest.batch;
import static dev.tollgate.domain.team.TeamSpendTest.m;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;

/**
 * An account that starts while requests charged to it are in flight (a key given a budget, a member readmitted)
 * holds them as reserved, so that their settlement leaves it exactly where it should be; an account whose period
 * changes carries the spend of its current period, never of one that has ended. (Found by TeamSimulationTest: before,
 * the settlement took the reservation off an account that never held it, and the budget could be spent past its
 * limit by that much.)
 */
class TeamNewAccountsTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");
    static final Budget KEY = Budget.of("0.5", BudgetPeriod.DAILY);
    static final Instant MARCH_10 = Instant.parse("2026-03-10T00:00:00Z");

    static SpendReserved aliceReservedWithKey() {
        return new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000, false,
                T0.minusSeconds(10), T0.minusSeconds(10).plus(TTL), Map.of(), balance(TEAM, MARCH, "0", "0.003"),
                balance(MEMBER, MARCH, "0", "0.003"), null);
    }

    static AccountBalance key(String spent, String reserved) {
        return balance(KEY, MARCH_10, spent, reserved);
    }

    @Test
    void aKeyGivenABudgetWhileItsRequestsAreInFlightHoldsThemAsReserved() {
        TeamFixture.create()
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), aliceReservedWithKey())
                .andGivenCurrentTime(T0)
                .when(new SetKeyBudget("cs", "key-1", KEY, "admin", "lab"))
                .expectEvents(new KeyBudgetSet("cs", "key-1", KEY, null, "admin", "lab", T0, key("0", "0.003")));
    }

    @Test
    void theirSettlementThenLeavesTheKeyWithNothingReserved() {
        Usage usage = new Usage(10, 10, 0, 0);
        TeamFixture.create()
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), aliceReservedWithKey(),
                        new KeyBudgetSet("cs", "key-1", KEY, null, "admin", "lab", T0, key("0", "0.003")))
                .andGivenCurrentTime(T0)
                .when(batch(new SettleSpend("r1", "gpt-test", usage, m("0.002"), "v1", "p", "d", 5)))
                .expectEvents(new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "p", "d", usage, m("0.003"),
                        m("0.002"), "v1", 5, T0.minusSeconds(10), T0, balance(TEAM, MARCH, "0.002", "0"),
                        balance(MEMBER, MARCH, "0.002", "0"), key("0.002", "0")));
    }

    @Test
    void aMemberReadmittedWhileTheirRequestsAreInFlightHoldsThemAsReserved() {
        TeamFixture.create()
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), aliceReservedWithKey(),
                        new UserRemoved("cs", "alice", "alice", "admin", "by mistake", T0.minusSeconds(5)))
                .andGivenCurrentTime(T0)
                .when(new RegisterUser("cs", "alice", "alice", "Alice", null, Set.of(), "admin"))
                .expectEvents(new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin", T0,
                        balance(MEMBER, MARCH, "0", "0.003")));
    }

    @Test
    void aChangeOfPeriodCarriesNoSpendOfAPeriodThatHasEnded() {
        Instant may = Instant.parse("2026-05-13T12:00:00Z");
        Budget weekly = Budget.of("10", BudgetPeriod.WEEKLY);
        Instant week = Instant.parse("2026-05-11T00:00:00Z");
        TeamFixture.create()
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        new SpendSettled("r0", "cs", null, null, "gpt-test", "p", "d", new Usage(1, 1, 0, 0),
                                m("3"), m("2.5"), "v1", 5, T0, T0, balance(TEAM, MARCH, "2.5", "0"), null, null))
                .andGivenCurrentTime(may)
                .when(new SetTeamBudget("cs", weekly, null, null, "admin", "weekly now"))
                .expectEvents(new TeamBudgetSet("cs", weekly, MEMBER, OverBudgetPolicy.CLAMP, TEAM, "admin",
                        "weekly now", may, balance(weekly, week, "0", "0")));
    }

    @Test
    void aChangeOfPeriodWithinThePeriodCarriesItsSpend() {
        Budget weekly = Budget.of("10", BudgetPeriod.WEEKLY);
        Instant week = Instant.parse("2026-03-09T00:00:00Z");
        TeamFixture.create()
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        new SpendSettled("r0", "cs", null, null, "gpt-test", "p", "d", new Usage(1, 1, 0, 0),
                                m("3"), m("2.5"), "v1", 5, T0, T0, balance(TEAM, MARCH, "2.5", "0"), null, null))
                .andGivenCurrentTime(T0.plusSeconds(60))
                .when(new SetTeamBudget("cs", weekly, null, null, "admin", "weekly now"))
                .expectEvents(new TeamBudgetSet("cs", weekly, MEMBER, OverBudgetPolicy.CLAMP, TEAM, "admin",
                        "weekly now", T0.plusSeconds(60), balance(weekly, week, "2.5", "0")));
    }
}
