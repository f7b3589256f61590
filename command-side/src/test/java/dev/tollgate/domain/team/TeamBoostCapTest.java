package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.boost.BoostExpired;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.BoostRevoked;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserRegistered;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static dev.tollgate.domain.team.TeamBoostTest.T0;
import static dev.tollgate.domain.team.TeamBoostTest.boost;
import static dev.tollgate.domain.team.TeamBoostTest.fresh;
import static dev.tollgate.domain.team.TeamBoostTest.teamWithAlice;
import static dev.tollgate.domain.team.TeamBoundsTest.limitReached;
import static org.hamcrest.Matchers.containsString;

/**
 * A manager's budget cap bounds the limit their boosts leave an account with: the account's limit plus every boost
 * on it not yet ended (running or still to start, counted as if they all ran at once) plus the new one. Alice's
 * member budget is 0.003 a month, the team's 100; the manager's cap is 0.01 (alice) or 150 (the team).
 */
class TeamBoostCapTest {

    static final Money CAP = Money.of("0.01");
    static final Instant HOUR = T0.plusSeconds(3600);

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static GrantBoost capped(String boostId, String userId, String amount, Instant startsAt, Instant endsAt,
                             Money cap) {
        return new GrantBoost("cs", boostId, userId, Money.of(amount), startsAt, endsAt, "project", null, "manager",
                cap);
    }

    static BoostGranted granted(String boostId, String userId, String amount, Instant startsAt, Instant endsAt) {
        return boost(boostId, userId, Money.of(amount), startsAt, endsAt);
    }

    @Test
    void aCappedManagersSecondBoostOnAnAccountIsRefusedWhenTheStackWouldPassTheCap() {
        // 0.003 + 0.004 + 0.004 = 0.011: each boost is within the cap, the two together are not
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(capped("b2", "alice", "0.004", T0, HOUR, CAP))
                .expectException(limitReached("permission_denied"))
                .expectExceptionMessage(containsString("Your budget cap is 0.01: user 'alice''s limit, 0.003, with "
                        + "its boosts not yet ended, 0.004, and this one, 0.004, would come to 0.011, above it."))
                .expectNoEvents();
    }

    @Test
    void aCappedManagersBoostUpToTheCapItselfIsGranted() {
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(capped("b2", "alice", "0.003", T0, HOUR, CAP))
                .expectEvents(new BoostGranted("cs", "b2", "alice", Money.of("0.003"), T0, HOUR, "project", null,
                        "manager", T0));
    }

    @Test
    void boostsNotYetEndedCountWhetherOrNotTheyOverlapTheNewOne() {
        // b1 runs for the next hour, b2 would start after it ends: counted together all the same
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(capped("b2", "alice", "0.004", HOUR.plusSeconds(3600), HOUR.plusSeconds(7200), CAP))
                .expectException(limitReached("permission_denied"))
                .expectNoEvents();

        // a boost still to start counts as well
        fixture = TeamFixture.create();
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", HOUR, HOUR.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(capped("b2", "alice", "0.004", T0, HOUR, CAP))
                .expectException(limitReached("permission_denied"))
                .expectNoEvents();
    }

    @Test
    void boostsThatEndedLeaveRoomUnderTheCap() {
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR),
                        new BoostRevoked("cs", "b1", "alice", "admin", "mistake", T0.minusSeconds(10)))
                .andGivenCurrentTime(T0)
                .when(capped("b2", "alice", "0.004", T0, HOUR, CAP))
                .expectEvents(new BoostGranted("cs", "b2", "alice", Money.of("0.004"), T0, HOUR, "project", null,
                        "manager", T0));

        // past its end but not yet recorded as ended: its end is recorded first, then it no longer counts
        Instant ended = T0.minusSeconds(5);
        fixture = TeamFixture.create();
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), ended))
                .andGivenCurrentTime(T0)
                .when(capped("b2", "alice", "0.004", T0, HOUR, CAP))
                .expectEvents(new BoostExpired("cs", "b1", "alice", ended, T0),
                        new BoostGranted("cs", "b2", "alice", Money.of("0.004"), T0, HOUR, "project", null,
                                "manager", T0));
    }

    @Test
    void theCapBoundsEachAccountOnItsOwnTheTeamsAsAMembers() {
        Money teamCap = Money.of("150");
        // 100 + 40 + 20 = 160
        fixture.given(teamWithAlice())
                .andGiven(granted("t1", null, "40", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(capped("t2", null, "20", T0, HOUR, teamCap))
                .expectException(limitReached("permission_denied"))
                .expectExceptionMessage(containsString("team 'cs''s limit, 100, with its boosts not yet ended, 40"))
                .expectNoEvents();

        // the team's boosts are not alice's: her account is 0.003 + 0.004
        fixture = TeamFixture.create();
        fixture.given(teamWithAlice())
                .andGiven(granted("t1", null, "40", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(capped("b1", "alice", "0.004", T0, HOUR, CAP))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void aRepeatedGrantAnswersAsTheFirstDidEvenWithTheAccountAtTheCap() {
        // b1 and b2 bring alice to the cap; b1 sent again (a client's retry) is the grant it was, not a new boost
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR),
                        granted("b2", "alice", "0.003", T0.minusSeconds(20), HOUR))
                .andGivenCurrentTime(T0)
                .when(capped("b1", "alice", "0.004", T0, HOUR, CAP))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void anAccountWithoutALimitIsAboveEveryCap() {
        Budget unlimited = Budget.UNLIMITED;
        fixture.given(new TeamCreated("cs", "CS", unlimited, unlimited, OverBudgetPolicy.REJECT, "admin", null,
                        T0.minusSeconds(60), fresh(unlimited)),
                        new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                                T0.minusSeconds(50), fresh(unlimited)))
                .andGivenCurrentTime(T0)
                .when(capped("b1", "alice", "0.001", T0, HOUR, CAP))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(containsString("user 'alice' has no limit"))
                .expectNoEvents();
    }

    @Test
    void anActorWithoutACapStacksBoostsAsBefore() {
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(capped("b2", "alice", "1000", T0, HOUR, null))
                .expectEvents(new BoostGranted("cs", "b2", "alice", Money.of("1000"), T0, HOUR, "project", null,
                        "manager", T0));
    }

    @Test
    void aCohortShareIsBoundedByTheCapLikeABoostOfOneAccount() {
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "c1", "alice", Money.of("0.004"), T0, HOUR, "hackathon", "c1", "manager",
                        CAP))
                .expectException(limitReached("permission_denied"))
                .expectNoEvents();
    }

    /**
     * A share's refusal is the skipped member's reason, which whoever may read the boost sees: it names the granting
     * manager's cap in the third person. The manager's own boost of one account is refused in the second person.
     */
    @Test
    void aCohortSharesRefusalNamesTheGrantingManagersCapInTheThirdPersonAndAManagersOwnBoostsInTheSecond() {
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "c1", "alice", Money.of("0.004"), T0, HOUR, "hackathon", "c1", "manager",
                        CAP))
                .expectExceptionMessage("over the granting manager's budget cap of 0.01: user 'alice''s limit, "
                        + "0.003, with its boosts not yet ended, 0.004, and this share, 0.004, would come to 0.011");
        fixture.given(teamWithAlice())
                .andGiven(granted("b1", "alice", "0.004", T0.minusSeconds(30), HOUR))
                .andGivenCurrentTime(T0)
                .when(capped("b2", "alice", "0.004", T0, HOUR, CAP))
                .expectExceptionMessage("Your budget cap is 0.01: user 'alice''s limit, 0.003, with its boosts not "
                        + "yet ended, 0.004, and this one, 0.004, would come to 0.011, above it.");

        Budget unlimited = Budget.UNLIMITED;
        fixture.given(new TeamCreated("cs", "CS", unlimited, unlimited, OverBudgetPolicy.REJECT, "admin", null,
                        T0.minusSeconds(60), fresh(unlimited)),
                        new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                                T0.minusSeconds(50), fresh(unlimited)))
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "c1", "alice", Money.of("0.001"), T0, HOUR, "hackathon", "c1", "manager",
                        CAP))
                .expectExceptionMessage("over the granting manager's budget cap of 0.01: user 'alice' has no limit, "
                        + "which no capped boost can stay within");
    }
}
