package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

class TeamAdministrationTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant MARCH_10 = Instant.parse("2026-03-10T00:00:00Z");

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static AccountBalance fresh(Budget budget, Instant start) {
        return new AccountBalance(budget.limit(), budget.period(), start, budget.period().endOf(start), Money.ZERO,
                Money.ZERO);
    }

    static final Budget TEAM = Budget.of("500", BudgetPeriod.MONTHLY);
    static final Budget MEMBER = Budget.of("5", BudgetPeriod.MONTHLY);

    static TeamCreated created() {
        return new TeamCreated("cs", "CS", TEAM, MEMBER, OverBudgetPolicy.CLAMP, "admin", "term starts", T0,
                fresh(TEAM, MARCH));
    }

    @Test
    void createsATeamWithItsBudgetAndTheMembersDefault() {
        fixture.givenNoPriorActivity()
                .andGivenCurrentTime(T0)
                .when(new CreateTeam("cs", "CS", TEAM, MEMBER, null, "admin", "term starts"))
                .expectEvents(created());
    }

    @Test
    void aTeamWithoutBudgetIsUnlimited() {
        fixture.givenNoPriorActivity()
                .andGivenCurrentTime(T0)
                .when(new CreateTeam("free", "Free", null, null, OverBudgetPolicy.REJECT, "admin", null))
                .expectEvents(new TeamCreated("free", "Free", Budget.UNLIMITED, Budget.UNLIMITED,
                        OverBudgetPolicy.REJECT, "admin", null, T0, fresh(Budget.UNLIMITED, Instant.EPOCH)));
    }

    @Test
    void changingTheBudgetRecordsWhoWhyAndTheBudgetBefore() {
        Budget daily = Budget.of("20", BudgetPeriod.DAILY);
        fixture.given(created())
                .andGivenCurrentTime(T0)
                .when(new SetTeamBudget("cs", daily, null, OverBudgetPolicy.REJECT, "finance-key", "cost cut"))
                .expectEvents(new TeamBudgetSet("cs", daily, MEMBER, OverBudgetPolicy.REJECT, TEAM, "finance-key",
                        "cost cut", T0, fresh(daily, MARCH_10)));
    }

    @Test
    void registersAUser() {
        fixture.given(created())
                .andGivenCurrentTime(T0)
                .when(new RegisterUser("cs", "alice", "alice@uni.example", "Alice", null, null, "admin"))
                .expectEvents(new UserRegistered("cs", "alice", "alice@uni.example", "Alice", null, Set.of(), false, "admin",
                        T0, fresh(MEMBER, MARCH)));
    }

    @Test
    void refusesASecondUserWithTheSameIdTellingItsSenderTheyAreAMemberAlready() {
        fixture.given(created(), new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin", T0,
                        fresh(MEMBER, MARCH)))
                .when(new RegisterUser("cs", "alice", "other", "Alice 2", null, null, "admin"))
                .expectException(new org.hamcrest.TypeSafeMatcher<CommandRefused>() {
                    @Override
                    protected boolean matchesSafely(CommandRefused refused) {
                        return refused.reason() == CommandRefused.Reason.CONFLICT
                                && RegisterUser.ALREADY_A_MEMBER.equals(refused.code());
                    }

                    @Override
                    public void describeTo(org.hamcrest.Description description) {
                        description.appendText("a conflict coded " + RegisterUser.ALREADY_A_MEMBER);
                    }
                })
                .expectNoEvents();
    }

    @Test
    void givesAUserTheirOwnBudget() {
        Budget own = Budget.of("12.5", BudgetPeriod.WEEKLY);
        fixture.given(created(), new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin", T0,
                        fresh(MEMBER, MARCH)))
                .andGivenCurrentTime(T0)
                .when(new SetUserBudget("cs", "alice", own, "admin", "thesis project"))
                .expectEvents(new UserBudgetSet("cs", "alice", own, null, "admin", "thesis project", T0,
                        fresh(own, Instant.parse("2026-03-09T00:00:00Z"))));
    }

    @Test
    void refusesABudgetForSomeoneWhoIsNotAMember() {
        fixture.given(created())
                .when(new SetUserBudget("cs", "mallory", MEMBER, "admin", "x"))
                .expectException(CommandRefused.class);
    }

    @Test
    void refusesIdsLongerThanTheirOneLimit() {
        String tooLong = "x".repeat(Limits.ID + 1);
        fixture.givenNoPriorActivity()
                .when(new CreateTeam(tooLong, "CS", TEAM, MEMBER, null, "admin", "term starts"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
        fixture.given(created())
                .when(new RegisterUser("cs", tooLong, null, "Alice", null, null, "admin"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
        fixture.given(created())
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", tooLong, null, Money.of("5"), T0, T0.plusSeconds(3600), "exam", null,
                        "admin"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }
}
