package dev.tollgate.projection.budget;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.projection.ReadModelDatabase;
import dev.tollgate.readmodel.tables.records.BudgetStatusRecord;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.readmodel.Tables.BUDGET_STATUS;
import static org.assertj.core.api.Assertions.assertThat;

class BudgetStatusProjectionTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
    static final Budget TEAM = Budget.of("100", BudgetPeriod.MONTHLY);
    static final Budget MEMBER = Budget.of("5", BudgetPeriod.MONTHLY);

    DSLContext dsl = ReadModelDatabase.dsl();
    BudgetStatusProjection projection = new BudgetStatusProjection(dsl);

    @BeforeEach
    void clean() {
        ReadModelDatabase.truncateReadTables();
    }

    static AccountBalance balance(Budget budget, String spent, String reserved) {
        return new AccountBalance(budget.limit(), budget.period(), MARCH, APRIL, Money.of(spent), Money.of(reserved));
    }

    static SpendReserved reserved(String requestId, String teamSpent, String teamReserved, String userReserved) {
        return new SpendReserved(requestId, "cs", "alice", "k1", "m", Money.of("0.5"), 100, 100, false, T0,
                T0.plusSeconds(900), Map.of(), balance(TEAM, teamSpent, teamReserved), balance(MEMBER, "0", userReserved),
                null);
    }

    BudgetStatusRecord row(String type, String id) {
        return dsl.selectFrom(BUDGET_STATUS).where(BUDGET_STATUS.ACCOUNT_TYPE.eq(type))
                .and(BUDGET_STATUS.ACCOUNT_ID.eq(id)).fetchOne();
    }

    void given() {
        projection.on(new TeamCreated("cs", "CS", TEAM, MEMBER, OverBudgetPolicy.CLAMP, "admin", null, T0,
                balance(TEAM, "0", "0")), 0);
        projection.on(new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin", T0,
                balance(MEMBER, "0", "0")), 1);
    }

    @Test
    void aMovedMemberHasTheirNewTeamsRowAndTheOldTeamNoLongerSpeaksForThem() {
        given();
        projection.on(reserved("r1", "0", "0.5", "0.5"), 2);
        Budget newMember = Budget.of("2", BudgetPeriod.MONTHLY);
        projection.on(new UserMovedIn("mv-1", "math", "alice", "cs", "alice", Set.of(), "admin", "changed course", T0,
                balance(newMember, "0", "0")), 1);
        BudgetStatusRecord moved = row("user", "alice");
        assertThat(moved.getTeamId()).isEqualTo("math");
        assertThat(moved.getBudgetLimit()).isEqualByComparingTo("2");
        // the request in flight in the old team ends there, with a higher sequence number of that team
        projection.on(new SpendSettled("r1", "cs", "alice", "k1", "m", "p", "d", new Usage(10, 10, 0, 0),
                Money.of("0.5"), Money.of("0.1"), "v1", 10, T0, T0, balance(TEAM, "0.1", "0"),
                balance(MEMBER, "0.1", "0"), null), 3);
        BudgetStatusRecord after = row("user", "alice");
        assertThat(after.getTeamId()).isEqualTo("math");
        assertThat(after.getSpent()).isEqualByComparingTo("0");
        assertThat(row("team", "cs").getSpent()).as("the old team is charged").isEqualByComparingTo("0.1");
    }

    @Test
    void aMoveInTheSameBatchAsTheOldTeamsEventsEndsAsItWouldEventByEvent() {
        // one account twice in a batch (its old team's row and its new team's): written in layers, never one upsert
        // meeting the same row twice ("ON CONFLICT DO UPDATE command cannot affect row a second time")
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        movedAwayWithARequestInFlight();
        batch.commit();

        BudgetStatusRecord moved = row("user", "alice");
        assertThat(moved.getTeamId()).isEqualTo("math");
        assertThat(moved.getBudgetLimit()).isEqualByComparingTo("2");
        assertThat(moved.getSpent()).isEqualByComparingTo("0");
        assertThat(row("team", "cs").getSpent()).as("the old team is charged").isEqualByComparingTo("0.1");
    }

    @Test
    void aMemberMovedAwayAndBackHasTheirFirstTeamsRowEventByEvent() {
        awayAndBack();

        assertMovedBack();
    }

    @Test
    void aMemberMovedAwayAndBackInOneBatchHasTheirFirstTeamsRowAsEventByEvent() {
        // as a replay meets them: both moves, and a request of theirs settling in the team they left, in one batch
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        awayAndBack();
        batch.commit();

        assertMovedBack();
    }

    /** Alice moves from cs to math while a request of hers is in flight in cs, which then settles there. */
    void movedAwayWithARequestInFlight() {
        given();
        projection.on(reserved("r1", "0", "0.5", "0.5"), 2);
        projection.on(new UserMovedIn("mv-1", "math", "alice", "cs", "alice", Set.of(), "admin", "changed course", T0,
                balance(Budget.of("2", BudgetPeriod.MONTHLY), "0", "0")), 1);
        projection.on(new SpendSettled("r1", "cs", "alice", "k1", "m", "p", "d", new Usage(10, 10, 0, 0),
                Money.of("0.5"), Money.of("0.1"), "v1", 10, T0, T0, balance(TEAM, "0.1", "0"),
                balance(MEMBER, "0.1", "0"), null), 3);
    }

    /** Alice moves from cs to math and back to cs; a request she made in math settles there after she left. */
    void awayAndBack() {
        movedAwayWithARequestInFlight();
        projection.on(new SpendReserved("r2", "math", "alice", "k1", "m", Money.of("0.5"), 100, 100, false, T0,
                T0.plusSeconds(900), Map.of(), balance(TEAM, "0", "0.5"),
                balance(Budget.of("2", BudgetPeriod.MONTHLY), "0", "0.5"), null), 2);
        projection.on(new UserMovedIn("mv-2", "cs", "alice", "math", "alice", Set.of(), "admin", "changed back", T0,
                balance(Budget.of("7", BudgetPeriod.MONTHLY), "0", "0")), 4);
        projection.on(new SpendSettled("r2", "math", "alice", "k1", "m", "p", "d", new Usage(10, 10, 0, 0),
                Money.of("0.5"), Money.of("0.2"), "v1", 10, T0, T0, balance(TEAM, "0.2", "0"),
                balance(Budget.of("2", BudgetPeriod.MONTHLY), "0.2", "0"), null), 3);
    }

    void assertMovedBack() {
        BudgetStatusRecord alice = row("user", "alice");
        assertThat(alice.getTeamId()).isEqualTo("cs");
        assertThat(alice.getBudgetLimit()).isEqualByComparingTo("7");
        assertThat(alice.getSpent()).isEqualByComparingTo("0");
        assertThat(alice.getEventSequence()).isEqualTo(4);
        assertThat(row("team", "math").getSpent()).as("the team she left is charged").isEqualByComparingTo("0.2");
    }

    @Test
    void copiesTheBalanceEachEventCarries() {
        given();
        projection.on(reserved("r1", "0", "0.5", "0.5"), 2);
        projection.on(new SpendSettled("r1", "cs", "alice", "k1", "m", "p", "d", new Usage(10, 10, 0, 0),
                Money.of("0.5"), Money.of("0.123456789"), "v1", 10, T0, T0, balance(TEAM, "0.123456789", "0"),
                balance(MEMBER, "0.123456789", "0"), null), 3);

        BudgetStatusRecord team = row("team", "cs");
        assertThat(team.getSpent()).isEqualByComparingTo("0.123456789");
        assertThat(team.getReserved()).isEqualByComparingTo("0");
        assertThat(team.getBudgetLimit()).isEqualByComparingTo("100");
        assertThat(team.getPeriodEnd()).isEqualTo(APRIL);
        BudgetStatusRecord user = row("user", "alice");
        assertThat(user.getSpent()).isEqualByComparingTo("0.123456789");
        assertThat(user.getFollowsTeamDefault()).isTrue();
        assertThat(user.getEventSequence()).isEqualTo(3);
    }

    @Test
    void copiesTheOverrunEachBalanceCarries() {
        given();
        projection.on(reserved("r1", "0", "0.5", "0.5"), 2);
        AccountBalance team = new AccountBalance(TEAM.limit(), TEAM.period(), MARCH, APRIL, Money.of("0.7"),
                Money.of("0"), Money.of("0.2"));
        AccountBalance user = new AccountBalance(MEMBER.limit(), MEMBER.period(), MARCH, APRIL, Money.of("0.7"),
                Money.of("0"), Money.of("0.2"));
        projection.on(new SpendSettled("r1", "cs", "alice", "k1", "m", "p", "d", new Usage(10, 10, 0, 0),
                Money.of("0.5"), Money.of("0.7"), "v1", 10, T0, T0, team, user, null), 3);

        assertThat(row("team", "cs").getOverrun()).isEqualByComparingTo("0.2");
        assertThat(row("user", "alice").getOverrun()).isEqualByComparingTo("0.2");
        assertThat(row("user", "alice").getSpent()).isEqualByComparingTo("0.7");
    }

    @Test
    void anOlderEventNeverOverwritesANewerBalance() {
        given();
        projection.on(reserved("r2", "0", "1.0", "1.0"), 3);
        projection.on(reserved("r1", "0", "0.5", "0.5"), 2); // delivered again, late

        assertThat(row("team", "cs").getReserved()).isEqualByComparingTo("1.0");
        assertThat(row("user", "alice").getReserved()).isEqualByComparingTo("1.0");
    }

    @Test
    void aBatchWritesTheLastBalanceOfEachAccountWhenItCommits() {
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        given();
        for (int i = 0; i < 50; i++) {
            projection.on(reserved("r" + i, "0", new BigDecimal("0.5").multiply(BigDecimal.valueOf(i + 1)).toPlainString(),
                    "0.5"), 2 + i);
        }
        assertThat(dsl.fetchCount(BUDGET_STATUS)).as("nothing written before the commit").isZero();
        batch.commit();

        assertThat(row("team", "cs").getReserved()).isEqualByComparingTo("25");
        assertThat(row("team", "cs").getEventSequence()).isEqualTo(51);
        assertThat(row("user", "alice").getFollowsTeamDefault())
                .as("a later balance in the same batch keeps what registration said").isTrue();
    }

    @Test
    void aMemberWhosePeriodEndedStartsANewMemberBudgetsPeriodFromZero() {
        given();
        projection.on(new SpendSettled("r1", "cs", "alice", "k1", "m", "p", "d", new Usage(10, 10, 0, 0),
                Money.of("0.5"), Money.of("0.4"), "v1", 10, T0, T0, balance(TEAM, "0.4", "0"),
                balance(MEMBER, "0.4", "0"), null), 2);
        Budget weekly = Budget.of("2", BudgetPeriod.WEEKLY);
        Instant may = Instant.parse("2026-05-13T12:00:00Z");
        projection.on(new TeamBudgetSet("cs", TEAM, weekly, OverBudgetPolicy.CLAMP, TEAM, "admin", "weekly", may,
                new AccountBalance(TEAM.limit(), TEAM.period(), Instant.parse("2026-05-01T00:00:00Z"),
                        Instant.parse("2026-06-01T00:00:00Z"), Money.ZERO, Money.ZERO)), 3);

        BudgetStatusRecord user = row("user", "alice");
        assertThat(user.getPeriodStart()).isEqualTo(Instant.parse("2026-05-11T00:00:00Z"));
        assertThat(user.getSpent()).as("March's spend stays in March").isEqualByComparingTo("0");
    }

    @Test
    void membersWithoutTheirOwnBudgetFollowANewMemberBudget() {
        given();
        projection.on(reserved("r1", "0", "0.5", "0.5"), 2);
        Budget weekly = Budget.of("2", BudgetPeriod.WEEKLY);
        projection.on(new TeamBudgetSet("cs", TEAM, weekly, OverBudgetPolicy.CLAMP, TEAM, "admin", "smaller", T0,
                balance(TEAM, "0", "0.5")), 3);

        BudgetStatusRecord user = row("user", "alice");
        assertThat(user.getBudgetLimit()).isEqualByComparingTo("2");
        assertThat(user.getBudgetPeriod()).isEqualTo("weekly");
        assertThat(user.getPeriodStart()).isEqualTo(Instant.parse("2026-03-09T00:00:00Z"));
        assertThat(user.getReserved()).as("the reservation is still there").isEqualByComparingTo("0.5");
    }
}
