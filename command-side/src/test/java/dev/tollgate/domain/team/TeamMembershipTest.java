package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.RemoveUser;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;
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

/** Members leave: nothing new is charged to them, what was in flight settles, and an admin can re-admit them. */
class TeamMembershipTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static UserRemoved aliceRemoved() {
        return new UserRemoved("cs", "alice", "alice", "manager-1", "left the course", T0);
    }

    @Test
    void removingAMemberRecordsWhoAndWhy() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .when(new RemoveUser("cs", "alice", "manager-1", "left the course"))
                .expectEvents(aliceRemoved());
    }

    @Test
    void removingSomeoneWhoIsNotAMemberIsRefusedAndRemovingTwiceChangesNothing() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP))
                .when(new RemoveUser("cs", "nobody", "admin", "x"))
                .expectException(CommandRefused.class);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), aliceRemoved())
                .when(new RemoveUser("cs", "alice", "admin", "again"))
                .expectNoEvents();
    }

    @Test
    void aRemovedMembersNextRequestIsRejected() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), aliceRemoved())
                .andGivenCurrentTime(T0.plusSeconds(1))
                .when(batch(reserve("r1")))
                .expectEvents(new SpendRejected("r1", "cs", "alice", "key-1", "gpt-test", Team.MEMBERSHIP,
                        m("0.003"), m("0"), null, T0.plusSeconds(1), Map.of()));
    }

    @Test
    void aRequestInFlightWhenItsMemberLeftStillSettlesOnTheTeam() {
        Usage usage = new Usage(1000, 0, 500, 0);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000, false,
                                T0.minusSeconds(5), T0.plus(TTL), Map.of(), balance(TEAM, MARCH, "0", "0.003"),
                                balance(MEMBER, MARCH, "0", "0.003"), null),
                        aliceRemoved())
                .andGivenCurrentTime(T0.plusSeconds(1))
                .when(batch(new SettleSpend("r1", "gpt-test", usage, m("0.002"), "v1", "p", "d", 6000)))
                .expectEvents(new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "p", "d", usage, m("0.003"),
                        m("0.002"), "v1", 6000, T0.minusSeconds(5), T0.plusSeconds(1),
                        balance(TEAM, MARCH, "0.002", "0"), null, null));
    }

    @Test
    void aTeamKeyNamingARemovedMemberIsRefusedInsteadOfRegisteringThemAgain() {
        UserRegistered bob = new UserRegistered("cs", "cs:bob", "bob", "bob", null, Set.of(), true, "gateway",
                T0.minusSeconds(60), balance(MEMBER, MARCH, "0", "0"));
        ReserveSpend line = new ReserveSpend("r1", null, "bob", "team-key", "gpt-test", m("0.001"), OUTPUT, 1000, 16,
                TTL, Map.of());
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), bob,
                        new UserRemoved("cs", "cs:bob", "bob", "admin", "left", T0.minusSeconds(30)))
                .andGivenCurrentTime(T0)
                .when(batch(line))
                .expectEvents(new SpendRejected("r1", "cs", null, "team-key", "gpt-test", Team.MEMBERSHIP, m("0.003"),
                        m("0"), null, T0, Map.of()));
    }

    @Test
    void registeringARemovedMemberAgainReadmitsThem() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), aliceRemoved())
                .andGivenCurrentTime(T0.plusSeconds(10))
                .when(new RegisterUser("cs", "alice", "alice", "Alice", null, Set.of(), "admin"))
                .expectEvents(new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                        T0.plusSeconds(10), balance(MEMBER, MARCH, "0", "0")));
    }
}
