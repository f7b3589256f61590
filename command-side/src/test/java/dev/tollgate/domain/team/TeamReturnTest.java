package dev.tollgate.domain.team;

import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.move.AdmitMovedUser;
import dev.tollgate.api.move.UserMoveStarted;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.move.UserMovedOut;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.domain.team.TeamSpendTest.APRIL;
import static dev.tollgate.domain.team.TeamSpendTest.MARCH;
import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.TTL;
import static dev.tollgate.domain.team.TeamSpendTest.balance;
import static dev.tollgate.domain.team.TeamSpendTest.batch;
import static dev.tollgate.domain.team.TeamSpendTest.m;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.reserve;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;

/**
 * A member who leaves a team (moved to another, or removed) and comes back within the same budget period gets back
 * the account they left there: what they spent in the period still counts, so leaving and coming back never resets a
 * budget. Once the period they left in has ended, they come back to a fresh one, as everyone starts a new period.
 */
class TeamReturnTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");
    static final Instant BACK = T0.plusSeconds(3600);

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    /** Alice, a member of cs who spent {@code spent} of her member budget this March. */
    static UserRegistered aliceHaving(String spent) {
        return new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                T0.minusSeconds(3000), balance(MEMBER, MARCH, spent, "0"));
    }

    static UserMoveStarted movingToMath() {
        return new UserMoveStarted("mv-1", "cs", "alice", "math", "alice", Set.of("course:math"), "admin", "changed",
                T0);
    }

    static UserMovedOut movedOut(String spent) {
        return new UserMovedOut("mv-1", "cs", "alice", "math", "alice", T0.plusSeconds(1),
                balance(MEMBER, MARCH, spent, "0"));
    }

    static AdmitMovedUser comingBack() {
        return new AdmitMovedUser("cs", "mv-2", "alice", "math", "alice", Set.of("course:cs"), "admin", "back");
    }

    static UserMovedIn cameBack(Instant at, Instant periodStart, String spent) {
        return new UserMovedIn("mv-2", "cs", "alice", "math", "alice", Set.of("course:cs"), "admin", "back", at,
                balance(MEMBER, periodStart, spent, "0"));
    }

    @Test
    void aMemberMovedOutAndBackInTheSamePeriodGetsBackTheSpendTheyLeftWith() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.REJECT), aliceHaving("0.7"), movingToMath(),
                        movedOut("0.7"))
                .andGivenCurrentTime(BACK)
                .when(comingBack())
                .expectEvents(cameBack(BACK, MARCH, "0.7"));
    }

    @Test
    void aMemberWhoComesBackAfterThePeriodTheyLeftInEndedStartsTheNewPeriodAfresh() {
        Instant later = APRIL.plusSeconds(86_400);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.REJECT), aliceHaving("0.7"), movingToMath(),
                        movedOut("0.7"))
                .andGivenCurrentTime(later)
                .when(comingBack())
                .expectEvents(cameBack(later, APRIL, "0"));
    }

    @Test
    void aMemberBackInTheSamePeriodHasTheirBoostStillRunningAndTheirSpendCountsAgainstBoth() {
        BoostGranted boost = new BoostGranted("cs", "b-1", "alice", m("0.5"), T0.minusSeconds(60),
                T0.plusSeconds(86_400), "project week", null, "admin", T0.minusSeconds(60));
        UserMovedIn back = cameBack(BACK, MARCH, "0.999");
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.REJECT), aliceHaving("0.999"), boost,
                        movingToMath(), movedOut("0.999"), back)
                .andGivenCurrentTime(BACK.plusSeconds(1))
                .when(batch(reserve("r1")))
                .expectEvents(new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000,
                        false, BACK.plusSeconds(1), BACK.plusSeconds(1).plus(TTL), Map.of(),
                        balance(TEAM, MARCH, "0", "0.003"), balance(MEMBER, MARCH, "0.999", "0.003"), null));
    }

    @Test
    void theSpendOfThePeriodTheyLeftInCountsUnderTheBudgetTheyComeBackTo() {
        // she left with a weekly budget of her own; a member who moves in follows the member budget (monthly)
        Budget weekly = Budget.of("0.5", BudgetPeriod.WEEKLY);
        Instant week = Instant.parse("2026-03-09T00:00:00Z");
        UserRegistered ownBudget = new UserRegistered("cs", "alice", "alice", "Alice", null, weekly, Set.of(), false,
                "admin", T0.minusSeconds(3000), balance(weekly, week, "0.4", "0"));
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.REJECT), ownBudget, movingToMath(),
                        new UserMovedOut("mv-1", "cs", "alice", "math", "alice", T0.plusSeconds(1),
                                balance(weekly, week, "0.4", "0")))
                .andGivenCurrentTime(BACK)
                .when(comingBack())
                .expectEvents(cameBack(BACK, MARCH, "0.4"));
    }

    @Test
    void aMemberRemovedAndRegisteredAgainInTheSamePeriodGetsBackTheirSpend() {
        UserRemoved removed = new UserRemoved("cs", "alice", "alice", "admin", "left", T0);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.REJECT), aliceHaving("0.7"), removed)
                .andGivenCurrentTime(BACK)
                .when(new RegisterUser("cs", "alice", null, "Alice", null, Set.of(), "admin"))
                .expectEvents(new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin", BACK,
                        balance(MEMBER, MARCH, "0.7", "0")));
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.REJECT), aliceHaving("0.7"), removed)
                .andGivenCurrentTime(APRIL)
                .when(new RegisterUser("cs", "alice", null, "Alice", null, Set.of(), "admin"))
                .expectEvents(new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                        APRIL, balance(MEMBER, APRIL, "0", "0")));
    }

    @Test
    void aMemberRemovedWithARequestInFlightComesBackWithTheirSpendAndTheRequestReserved() {
        SpendReserved inFlight = new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000,
                false, T0.minusSeconds(5), T0.plus(TTL), Map.of(), balance(TEAM, MARCH, "0", "0.003"),
                balance(MEMBER, MARCH, "0.7", "0.003"), null);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.REJECT), aliceHaving("0.7"), inFlight,
                        new UserRemoved("cs", "alice", "alice", "admin", "left", T0))
                .andGivenCurrentTime(T0.plusSeconds(60))
                .when(new RegisterUser("cs", "alice", null, "Alice", null, Set.of(), "admin"))
                .expectEvents(new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                        T0.plusSeconds(60), balance(MEMBER, MARCH, "0.7", "0.003")));
    }
}
