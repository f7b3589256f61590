package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.alert.RemoveThreshold;
import dev.tollgate.api.alert.SetThreshold;
import dev.tollgate.api.alert.ThresholdKind;
import dev.tollgate.api.alert.ThresholdScope;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.move.AdmitMovedUser;
import dev.tollgate.api.move.CancelUserMove;
import dev.tollgate.api.move.StartUserMove;
import dev.tollgate.api.privacy.ErasePersonalData;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.RemoveUser;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.SetUserTags;
import dev.tollgate.api.topup.TopUpBudget;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.domain.team.TeamBoundsTest.teamKeyLine;
import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.alice;
import static dev.tollgate.domain.team.TeamSpendTest.batch;
import static dev.tollgate.domain.team.TeamSpendTest.m;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;

/**
 * A Team refuses text an event could not carry into the read tables: NUL and other control characters in names,
 * emails, tags and reasons (PostgreSQL stores no NUL; such an event parked the projections as a dead letter). A
 * reason may still run over several lines.
 */
class TeamTextTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");

    private static void refused(Object command) {
        TeamFixture.create()
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .when(command)
                .expectException(CommandRefused.class)
                .expectExceptionMessage(Matchers.containsString("control characters"))
                .expectNoEvents();
    }

    @Test
    void aTeamNamedWithANulOrALineBreakIsNotCreated() {
        for (String name : List.of("C\u0000S", "C\nS", "C\u001bS", "C\u007fS")) {
            TeamFixture.create().givenNoPriorActivity().andGivenCurrentTime(T0)
                    .when(new CreateTeam("cs", name, TEAM, MEMBER, OverBudgetPolicy.CLAMP, "admin", "new course"))
                    .expectException(CommandRefused.class)
                    .expectNoEvents();
        }
        TeamFixture.create().givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(new CreateTeam("cs", "CS", TEAM, MEMBER, OverBudgetPolicy.CLAMP, "admin", "new\u0000course"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
        TeamFixture.create().givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(new CreateTeam("cs", "x".repeat(201), TEAM, MEMBER, OverBudgetPolicy.CLAMP, "admin", null))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aUserWithAControlCharacterInNameEmailTagOrExternalIdIsNotRegistered() {
        refused(new RegisterUser("cs", "bob", null, "Bo\u0000b", null, null, Set.of(), "admin"));
        refused(new RegisterUser("cs", "bob", null, "Bo\tb", null, null, Set.of(), "admin"));
        refused(new RegisterUser("cs", "bob", null, "Bob", "bob\u0000@uni.example", null, Set.of(), "admin"));
        refused(new RegisterUser("cs", "bob", null, "Bob", null, null, Set.of("course:\u0000"), "admin"));
        refused(new RegisterUser("cs", "bob", "b\u0001ob", "Bob", null, null, Set.of(), "admin"));
        refused(new RegisterUser("cs", "b\u0000ob", null, "Bob", null, null, Set.of(), "admin"));
    }

    @Test
    void everyReasonWithANulIsRefused() {
        String bad = "because\u0000";
        refused(new SetTeamBudget("cs", TEAM, null, null, "admin", bad));
        refused(new RemoveUser("cs", "alice", "admin", bad, Set.of()));
        refused(new SetUserBudget("cs", "alice", monthly("2"), "admin", bad));
        refused(new SetUserTags("cs", "alice", Set.of("x"), "admin", bad));
        refused(new SetUserTags("cs", "alice", Set.of("x\u0007"), "admin", "ok"));
        refused(new SetKeyBudget("cs", "k1", monthly("1"), "admin", bad));
        refused(new TopUpBudget("cs", "t1", null, m("1"), "finance", bad));
        refused(new StartUserMove("cs", "move-1", "alice", "math", null, "admin", bad));
        refused(new AdmitMovedUser("cs", "move-1", "carol", "math", "carol", Set.of(), "admin", bad));
        refused(new CancelUserMove("cs", "move-1", "alice", bad));
        refused(new ErasePersonalData("cs", "alice", "admin", bad));
        refused(new GrantBoost("cs", "b1", null, m("1"), T0, T0.plusSeconds(60), bad, null, "admin"));
        refused(new RevokeBoost("cs", "b1", "admin", bad));
        refused(new SetThreshold("cs", "th1", ThresholdScope.TEAM, null, ThresholdKind.PERCENT, 80, "admin", bad));
        refused(new SetThreshold("cs", "th1", ThresholdScope.TAG, "x\u0000", ThresholdKind.PERCENT, 80, "admin",
                "ok"));
        refused(new RemoveThreshold("cs", "th1", "admin", bad));
    }

    @Test
    void aReasonMayRunOverSeveralLines() {
        TeamFixture.create()
                .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .when(new SetTeamBudget("cs", monthly("20"), null, null, "admin", "line one\r\n\tline two"))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void aTeamKeysUserThatIsNoIdIsRejectedAndNotRegistered() {
        for (String user : List.of("a/b", "a b", "a\u0000b", "-lead")) {
            TeamFixture.create()
                    .given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                    .andGivenCurrentTime(T0)
                    .when(batch(teamKeyLine("r1", user)))
                    .expectEvents(new SpendRejected("r1", "cs", null, "team-key", "gpt-test", Team.MEMBERSHIP,
                            m("0.003"), m("0"), null, T0, Map.of())); // and no UserRegistered
        }
    }
}
