package dev.tollgate.domain.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.SetUserTags;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserTagsSet;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A key's own budget is a third budget every request of the key must fit; member tags; request tags. */
class TeamKeyBudgetAndTagsTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant MARCH_10 = Instant.parse("2026-03-10T00:00:00Z");
    static final Budget TEAM = Budget.of("100", BudgetPeriod.MONTHLY);
    static final Budget MEMBER = Budget.of("10", BudgetPeriod.MONTHLY);
    static final Budget KEY_DAILY = Budget.of("0.005", BudgetPeriod.DAILY);

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static AccountBalance fresh(Budget budget, Instant start) {
        return new AccountBalance(budget.limit(), budget.period(), start, budget.period().endOf(start), Money.ZERO,
                Money.ZERO);
    }

    static Object[] team() {
        return new Object[]{
                new TeamCreated("cs", "CS", TEAM, MEMBER, OverBudgetPolicy.REJECT, "admin", null, T0.minusSeconds(60),
                        fresh(TEAM, MARCH)),
                new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of("course:cs101"), false, "admin",
                        T0.minusSeconds(50), fresh(MEMBER, MARCH))};
    }

    static ReserveSpend line(String requestId, Map<String, String> tags) {
        return new ReserveSpend(requestId, "alice", null, "k1", "m", Money.of("0.001"), TokenPrice.perMillion("2"),
                1000, 16, Duration.ofMinutes(15), tags);
    }

    @Test
    void givesAKeyABudgetOfItsOwn() {
        fixture.given(team()).andGivenCurrentTime(T0)
                .when(new SetKeyBudget("cs", "k1", KEY_DAILY, "admin", "lab machine"))
                .expectEvents(new KeyBudgetSet("cs", "k1", KEY_DAILY, null, "admin", "lab machine", T0,
                        fresh(KEY_DAILY, MARCH_10)));
    }

    @Test
    void rejectsWhatTheKeysBudgetCannotCoverNamingTheKey() {
        fixture.given(team())
                .andGiven(new KeyBudgetSet("cs", "k1", KEY_DAILY, null, "admin", "lab", T0, fresh(KEY_DAILY, MARCH_10)))
                .andGivenCurrentTime(T0)
                .when(new RecordSpendBatch("cs", List.of(line("r1", Map.of()), line("r2", Map.of()))))
                .expectEvents(
                        new SpendReserved("r1", "cs", "alice", "k1", "m", Money.of("0.003"), 1000, 1000, false, T0,
                                T0.plus(Duration.ofMinutes(15)), Map.of(),
                                new AccountBalance(TEAM.limit(), TEAM.period(), MARCH, TEAM.period().endOf(MARCH),
                                        Money.ZERO, Money.of("0.003")),
                                new AccountBalance(MEMBER.limit(), MEMBER.period(), MARCH,
                                        MEMBER.period().endOf(MARCH), Money.ZERO, Money.of("0.003")),
                                new AccountBalance(KEY_DAILY.limit(), KEY_DAILY.period(), MARCH_10,
                                        KEY_DAILY.period().endOf(MARCH_10), Money.ZERO, Money.of("0.003"))),
                        new SpendRejected("r2", "cs", "alice", "k1", "m", "key", Money.of("0.003"), Money.of("0.002"),
                                Instant.parse("2026-03-11T00:00:00Z"), T0, Map.of()));
    }

    @Test
    void removingAKeysBudgetLeavesTheUsersAndTheTeams() {
        fixture.given(team())
                .andGiven(new KeyBudgetSet("cs", "k1", KEY_DAILY, null, "admin", "lab", T0, fresh(KEY_DAILY, MARCH_10)))
                .andGivenCurrentTime(T0)
                .when(new SetKeyBudget("cs", "k1", null, "admin", "no longer needed"))
                .expectEvents(new KeyBudgetSet("cs", "k1", null, KEY_DAILY, "admin", "no longer needed", T0, null));
    }

    @Test
    void aRequestKeepsItsTags() {
        Map<String, String> tags = Map.of("course", "cs101", "assignment", "3");
        fixture.given(team()).andGivenCurrentTime(T0)
                .when(new RecordSpendBatch("cs", List.of(line("r1", tags))))
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.payloadsMatching(
                        org.axonframework.test.matchers.Matchers.exactSequenceOf(
                                new org.hamcrest.CustomTypeSafeMatcher<Object>("reserved with its tags") {
                                    @Override
                                    protected boolean matchesSafely(Object item) {
                                        return item instanceof SpendReserved r && r.tags().equals(tags);
                                    }
                                },
                                org.axonframework.test.matchers.Matchers.andNoMore())));
    }

    @Test
    void replacesAMembersTagsAndRecordsTheOldOnes() {
        fixture.given(team()).andGivenCurrentTime(T0)
                .when(new SetUserTags("cs", "alice", Set.of("course:cs102"), "admin", "changed course"))
                .expectEvents(new UserTagsSet("cs", "alice", Set.of("course:cs102"), Set.of("course:cs101"), "admin",
                        "changed course", T0));
        fixture.given(team()).andGivenCurrentTime(T0)
                .when(new SetUserTags("cs", "alice", Set.of("course:cs101"), "admin", "no change"))
                .expectNoEvents();
    }
}
