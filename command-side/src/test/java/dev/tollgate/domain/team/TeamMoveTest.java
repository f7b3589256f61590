package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.move.AdmitMovedUser;
import dev.tollgate.api.move.CancelUserMove;
import dev.tollgate.api.move.CompleteUserMove;
import dev.tollgate.api.move.StartUserMove;
import dev.tollgate.api.move.UserMoveAwaitingReservations;
import dev.tollgate.api.move.UserMoveCancelled;
import dev.tollgate.api.move.UserMoveStarted;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.move.UserMovedOut;
import dev.tollgate.api.privacy.ErasePersonalData;
import dev.tollgate.api.privacy.PersonalDataErased;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReservationReleased;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserRegistered;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static dev.tollgate.domain.team.TeamSpendTest.MARCH;
import static dev.tollgate.domain.team.TeamSpendTest.OUTPUT;
import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.TTL;
import static dev.tollgate.domain.team.TeamSpendTest.alice;
import static dev.tollgate.domain.team.TeamSpendTest.balance;
import static dev.tollgate.domain.team.TeamSpendTest.batch;
import static dev.tollgate.domain.team.TeamSpendTest.m;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.reserve;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;

/**
 * A member moves to another team as a process of events (docs/adr/0007): started in the team they leave, admitted
 * by the one they join, closed in the old one once nothing of theirs is in flight there. No reservation is lost:
 * what was reserved in the old team ends there, on the account it was reserved on.
 */
class TeamMoveTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");
    static final Budget NEW_MEMBER = monthly("2");

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static UserMoveStarted started() {
        return new UserMoveStarted("mv-1", "cs", "alice", "math", "alice", Set.of("course:math"), "admin", "changed "
                + "course", T0);
    }

    static SpendReserved inFlight(String requestId) {
        return new SpendReserved(requestId, "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000, false,
                T0.minusSeconds(5), T0.plus(TTL), Map.of(), balance(TEAM, MARCH, "0", "0.003"),
                balance(MEMBER, MARCH, "0", "0.003"), null);
    }

    @Test
    void aMoveStartsInTheTeamTheMemberLeavesWithTheirExternalIdAndNewTags() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .when(new StartUserMove("cs", "mv-1", "alice", "math", Set.of("course:math"), "admin",
                        "changed course"))
                .expectEvents(started());
    }

    @Test
    void aMoveToTheSameTeamOrOfANonMemberOrASecondMoveIsRefusedAndRepeatingItChangesNothing() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .when(new StartUserMove("cs", "mv-1", "alice", "cs", null, "admin", "x"))
                .expectException(CommandRefused.class);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP))
                .when(new StartUserMove("cs", "mv-1", "nobody", "math", null, "admin", "x"))
                .expectException(CommandRefused.class);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), started())
                .when(new StartUserMove("cs", "mv-2", "alice", "physics", null, "admin", "x"))
                .expectException(CommandRefused.class);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), started())
                .when(new StartUserMove("cs", "mv-1", "alice", "math", null, "admin", "x"))
                .expectNoEvents();
    }

    @Test
    void theNewTeamAdmitsThemWithAFreshAccountOfItsMemberBudgetOnce() {
        TeamCreated math = new TeamCreated("math", "Mathematics", TEAM, NEW_MEMBER, OverBudgetPolicy.CLAMP, "admin",
                "x", T0.minusSeconds(3600), balance(TEAM, MARCH, "0", "0"));
        UserMovedIn admitted = new UserMovedIn("mv-1", "math", "alice", "cs", "alice", Set.of("course:math"), "admin",
                "changed course", T0, balance(NEW_MEMBER, MARCH, "0", "0"));
        fixture.given(math)
                .andGivenCurrentTime(T0)
                .when(new AdmitMovedUser("math", "mv-1", "alice", "cs", "alice", Set.of("course:math"), "admin",
                        "changed course"))
                .expectEvents(admitted);
        fixture.given(math, admitted)
                .when(new AdmitMovedUser("math", "mv-1", "alice", "cs", "alice", Set.of(), "admin", "again"))
                .expectNoEvents();
        UserRegistered someoneNamedAlice = new UserRegistered("math", "alice-2", "alice", "A", null, Set.of(), false,
                "admin", T0.minusSeconds(60), balance(NEW_MEMBER, MARCH, "0", "0"));
        fixture.given(math, someoneNamedAlice)
                .when(new AdmitMovedUser("math", "mv-1", "alice", "cs", "alice", Set.of(), "admin", "x"))
                .expectException(CommandRefused.class);
    }

    @Test
    void aMemberWithNothingInFlightIsClosedAtOnceWithTheirLastBalance() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), started())
                .andGivenCurrentTime(T0.plusSeconds(1))
                .when(new CompleteUserMove("cs", "mv-1", "alice"))
                .expectEvents(new UserMovedOut("mv-1", "cs", "alice", "math", "alice", T0.plusSeconds(1),
                        balance(MEMBER, MARCH, "0", "0")));
    }

    @Test
    void requestsInFlightEndInTheOldTeamOnTheAccountTheyReservedOnAndTheLastOneClosesIt() {
        Usage usage = new Usage(1000, 0, 500, 0);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), inFlight("r1"),
                        inFlight2(), started())
                .andGivenCurrentTime(T0.plusSeconds(1))
                .when(new CompleteUserMove("cs", "mv-1", "alice"))
                .expectEvents(new UserMoveAwaitingReservations("mv-1", "cs", "alice", "math", 2, T0.plusSeconds(1)));

        UserMoveAwaitingReservations awaiting = new UserMoveAwaitingReservations("mv-1", "cs", "alice", "math", 2,
                T0.plusSeconds(1));
        // nothing new is charged to them here
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), inFlight("r1"), inFlight2(),
                        started(), awaiting)
                .andGivenCurrentTime(T0.plusSeconds(2))
                .when(batch(reserve("r3")))
                .expectEvents(new SpendRejected("r3", "cs", "alice", "key-1", "gpt-test", Team.MEMBERSHIP,
                        m("0.003"), m("0"), null, T0.plusSeconds(2), Map.of()));
        // the first settles on their old account and the move waits; the second ends, and the account closes
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), inFlight("r1"), inFlight2(),
                        started(), awaiting)
                .andGivenCurrentTime(T0.plusSeconds(3))
                .when(batch(new SettleSpend("r1", "gpt-test", usage, m("0.002"), "v1", "p", "d", 6000),
                        new ReleaseReservation("r2", "upstream failed")))
                .expectEvents(
                        new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "p", "d", usage, m("0.003"),
                                m("0.002"), "v1", 6000, T0.minusSeconds(5), T0.plusSeconds(3),
                                balance(TEAM, MARCH, "0.002", "0.003"), balance(MEMBER, MARCH, "0.002", "0.003"),
                                null),
                        new ReservationReleased("r2", "cs", "alice", "key-1", m("0.003"), "upstream failed",
                                T0.plusSeconds(3), balance(TEAM, MARCH, "0.002", "0"),
                                balance(MEMBER, MARCH, "0.002", "0"), null),
                        new UserMovedOut("mv-1", "cs", "alice", "math", "alice", T0.plusSeconds(3),
                                balance(MEMBER, MARCH, "0.002", "0")));
    }

    private static SpendReserved inFlight2() {
        return new SpendReserved("r2", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000, false,
                T0.minusSeconds(4), T0.plus(TTL), Map.of(), balance(TEAM, MARCH, "0", "0.006"),
                balance(MEMBER, MARCH, "0", "0.006"), null);
    }

    @Test
    void aRefusedMoveIsCancelledAndTheMemberStaysAsTheyWere() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), started())
                .andGivenCurrentTime(T0.plusSeconds(1))
                .when(new CancelUserMove("cs", "mv-1", "alice", "team 'math' has its most members"))
                .expectEvents(new UserMoveCancelled("mv-1", "cs", "alice", "math",
                        "team 'math' has its most members", T0.plusSeconds(1)));
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), started(),
                        new UserMoveCancelled("mv-1", "cs", "alice", "math", "x", T0.plusSeconds(1)))
                .andGivenCurrentTime(T0.plusSeconds(2))
                .when(batch(reserve("r1")))
                .expectEvents(new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000,
                        false, T0.plusSeconds(2), T0.plusSeconds(2).plus(TTL), Map.of(),
                        balance(TEAM, MARCH, "0", "0.003"), balance(MEMBER, MARCH, "0", "0.003"), null));
    }

    @Test
    void anErasureIsRecordedAndAnErasedTeamKeyUserKeepsTheirAccount() {
        UserRegistered bob = new UserRegistered("cs", "cs:bob", "bob", "bob", null, Set.of(), true, "gateway",
                T0.minusSeconds(60), balance(MEMBER, MARCH, "0", "0"));
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), bob)
                .andGivenCurrentTime(T0)
                .when(new ErasePersonalData("cs", "cs:bob", "admin", "art. 17"))
                .expectEvents(new PersonalDataErased("cs", "cs:bob", "admin", "art. 17", T0));
        // after the erasure (or a replay whose registration reads without its external id) a team key naming them
        // is still charged to their account, never to a second registration of them
        UserRegistered bobErased = new UserRegistered("cs", "cs:bob", null, null, null, Set.of(), true, "gateway",
                T0.minusSeconds(60), balance(MEMBER, MARCH, "0", "0"));
        ReserveSpend line = new ReserveSpend("r1", null, "bob", "team-key", "gpt-test", m("0.001"), OUTPUT, 1000, 16,
                TTL, Map.of());
        SpendReserved charged = new SpendReserved("r1", "cs", "cs:bob", "team-key", "gpt-test", m("0.003"), 1000,
                1000, false, T0, T0.plus(TTL), Map.of(), balance(TEAM, MARCH, "0", "0.003"),
                balance(MEMBER, MARCH, "0", "0.003"), null);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), bob,
                        new PersonalDataErased("cs", "cs:bob", "admin", "x", T0.minusSeconds(1)))
                .andGivenCurrentTime(T0)
                .when(batch(line))
                .expectEvents(charged);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), bobErased,
                        new PersonalDataErased("cs", "cs:bob", "admin", "x", T0.minusSeconds(1)))
                .andGivenCurrentTime(T0)
                .when(batch(line))
                .expectEvents(charged);
    }
}
