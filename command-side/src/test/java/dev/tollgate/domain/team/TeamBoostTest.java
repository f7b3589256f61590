package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.boost.BoostExpired;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.BoostRevoked;
import dev.tollgate.api.boost.ExpireBoosts;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomTypeSafeMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time-boxed boosts: the effective limit at any instant is the budget plus the boosts active at that instant.
 * Every worst case here costs 0.003 (1,000 prompt tokens at 1.00/M, 1,000 output tokens at 2.00/M); the member
 * budget affords exactly one request, a boost of 0.003 one more.
 */
class TeamBoostTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
    static final Budget TEAM = Budget.of("100", BudgetPeriod.MONTHLY);
    static final Budget MEMBER = Budget.of("0.003", BudgetPeriod.MONTHLY);
    static final Money ONE_REQUEST = Money.of("0.003");

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static AccountBalance fresh(Budget budget) {
        return new AccountBalance(budget.limit(), budget.period(), MARCH, APRIL, Money.ZERO, Money.ZERO);
    }

    static Object[] teamWithAlice() {
        return new Object[]{
                new TeamCreated("cs", "CS", TEAM, MEMBER, OverBudgetPolicy.REJECT, "admin", null, T0.minusSeconds(60),
                        fresh(TEAM)),
                new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                        T0.minusSeconds(50), fresh(MEMBER))};
    }

    static BoostGranted boost(String id, String userId, Money amount, Instant start, Instant end) {
        return new BoostGranted("cs", id, userId, amount, start, end, "project week", null, "admin", T0.minusSeconds(40));
    }

    static RecordSpendBatch reserve(String requestId) {
        return new RecordSpendBatch("cs", List.of(new ReserveSpend(requestId, "alice", null, "k", "m",
                Money.of("0.001"), TokenPrice.perMillion("2"), 1000, 16, Duration.ofMinutes(15), Map.of())));
    }

    static RecordSpendBatch settle(String requestId, String cost) {
        return new RecordSpendBatch("cs", List.of(new SettleSpend(requestId, "m", new Usage(1000, 1000, 0, 0),
                Money.of(cost), "v1", "p", "d", 10)));
    }

    static Matcher<SpendBatchResult> outcomes(Class<?>... kinds) {
        return new CustomTypeSafeMatcher<>("outcomes " + List.of(kinds)) {
            @Override
            protected boolean matchesSafely(SpendBatchResult result) {
                if (result.outcomes().size() != kinds.length) {
                    return false;
                }
                for (int i = 0; i < kinds.length; i++) {
                    if (!kinds[i].isInstance(result.outcomes().get(i))) {
                        return false;
                    }
                }
                return true;
            }
        };
    }

    @Test
    void aBoostCountsFromItsStartInclusive() {
        Instant start = T0.plusSeconds(100);
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, start, start.plusSeconds(100)))
                .andGivenCurrentTime(start)
                .andGivenCommands(reserve("r1"))
                .when(reserve("r2"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Reserved.class));
    }

    @Test
    void aBoostDoesNotCountBeforeItsStart() {
        Instant start = T0.plusSeconds(100);
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, start, start.plusSeconds(100)))
                .andGivenCurrentTime(start.minusMillis(1))
                .andGivenCommands(reserve("r1"))
                .when(reserve("r2"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Rejected.class));
    }

    @Test
    void aBoostNoLongerCountsAtItsEndInstant() {
        Instant start = T0;
        Instant end = T0.plusSeconds(100);
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, start, end))
                .andGivenCurrentTime(end)
                .andGivenCommands(reserve("r1"))
                .when(reserve("r2"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Rejected.class));
    }

    @Test
    void aBudgetAndBoostsBeyondTheLargestAmountStillAdmitRatherThanWrapAround() {
        Budget huge = Budget.of("9000000000", BudgetPeriod.MONTHLY);
        Money most = Money.of("9000000000");
        fixture.given(new TeamCreated("cs", "CS", huge, huge, OverBudgetPolicy.REJECT, "admin", null,
                                T0.minusSeconds(60), fresh(huge)),
                        new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                                T0.minusSeconds(50), fresh(huge)),
                        boost("team-boost", null, most, T0.minusSeconds(30), T0.plusSeconds(3600)),
                        boost("alice-boost", "alice", most, T0.minusSeconds(30), T0.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(reserve("r1"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Reserved.class));
    }

    @Test
    void overlappingBoostsAddUp() {
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(10), T0.plusSeconds(100)),
                        boost("b2", "alice", ONE_REQUEST, T0.minusSeconds(5), T0.plusSeconds(50)))
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"), reserve("r2"))
                .when(new RecordSpendBatch("cs", List.of(reserve("r3").lines().get(0), reserve("r4").lines().get(0))))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Reserved.class, SpendOutcome.Rejected.class));
    }

    @Test
    void aUserBoostDoesNotLiftTheTeamBudgetNorATeamBoostAMembersBudget() {
        Budget smallTeam = Budget.of("0.003", BudgetPeriod.MONTHLY);
        Budget bigMember = Budget.of("1", BudgetPeriod.MONTHLY);
        fixture.given(new TeamCreated("cs", "CS", smallTeam, bigMember, OverBudgetPolicy.REJECT, "admin", null,
                                T0.minusSeconds(60), fresh(smallTeam)),
                        new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                                T0.minusSeconds(50), fresh(bigMember)),
                        boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(10), T0.plusSeconds(100)))
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"))
                .when(reserve("r2"))
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.payloadsMatching(
                        org.axonframework.test.matchers.Matchers.exactSequenceOf(
                                org.hamcrest.Matchers.<Object>instanceOf(SpendRejected.class),
                                org.axonframework.test.matchers.Matchers.andNoMore())));

        fixture = TeamFixture.create();
        fixture.given(new TeamCreated("cs", "CS", smallTeam, bigMember, OverBudgetPolicy.REJECT, "admin", null,
                                T0.minusSeconds(60), fresh(smallTeam)),
                        new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                                T0.minusSeconds(50), fresh(bigMember)),
                        boost("b1", null, ONE_REQUEST, T0.minusSeconds(10), T0.plusSeconds(100)))
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"))
                .when(reserve("r2"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Reserved.class));
    }

    @Test
    void aBoostRevokedWhileARequestIsInFlightLeavesThatRequestChargedAndStopsTheNext() {
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(10), T0.plusSeconds(1000)))
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"), reserve("r2"),
                        new RevokeBoost("cs", "b1", "admin", "granted by mistake"),
                        settle("r2", "0.003"), settle("r1", "0.003"))
                .when(reserve("r3"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Rejected.class))
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.payloadsMatching(
                        org.axonframework.test.matchers.Matchers.exactSequenceOf(
                                new CustomTypeSafeMatcher<Object>("a rejection with nothing left") {
                                    @Override
                                    protected boolean matchesSafely(Object item) {
                                        return item instanceof SpendRejected r && r.available().equals(Money.of("-0.003"));
                                    }
                                },
                                org.axonframework.test.matchers.Matchers.andNoMore())));
    }

    @Test
    void revokingRecordsWhoAndWhy() {
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(10), T0.plusSeconds(1000)))
                .andGivenCurrentTime(T0)
                .when(new RevokeBoost("cs", "b1", "finance-key", "budget cut"))
                .expectEvents(new BoostRevoked("cs", "b1", "alice", "finance-key", "budget cut", T0))
                .expectState(team -> assertThat(team.boostsRecorded()).isZero());
    }

    @Test
    void whatWasSpentUnderABoostStaysSpentAfterItEnds() {
        Instant end = T0.plusSeconds(100);
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(10), end))
                .andGivenCurrentTime(T0)
                .andGivenCommands(reserve("r1"), reserve("r2"), settle("r1", "0.003"), settle("r2", "0.003"))
                .andGivenCurrentTime(end.plusSeconds(1))
                .when(reserve("r3"))
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.payloadsMatching(
                        org.axonframework.test.matchers.Matchers.exactSequenceOf(
                                new CustomTypeSafeMatcher<Object>("spent 0.006 of 0.003: nothing disappeared") {
                                    @Override
                                    protected boolean matchesSafely(Object item) {
                                        return item instanceof SpendRejected r && r.available().equals(Money.of("-0.003"));
                                    }
                                },
                                org.axonframework.test.matchers.Matchers.andNoMore())));
    }

    @Test
    void aBoostCrossingAPeriodRolloverCountsInTheNewPeriodToo() {
        Instant lateMarch = Instant.parse("2026-03-31T23:00:00Z");
        Instant earlyApril = Instant.parse("2026-04-01T01:00:00Z");
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, lateMarch, Instant.parse("2026-04-02T00:00:00Z")))
                .andGivenCurrentTime(lateMarch)
                .andGivenCommands(reserve("r1"), reserve("r2"), settle("r1", "0.003"), settle("r2", "0.003"))
                .andGivenCurrentTime(earlyApril)
                .when(new RecordSpendBatch("cs", List.of(reserve("r3").lines().get(0), reserve("r4").lines().get(0),
                        reserve("r5").lines().get(0))))
                // April: spent 0 of 0.003 + the boost 0.003: two requests, not three
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Reserved.class, SpendOutcome.Reserved.class,
                        SpendOutcome.Rejected.class));
    }

    @Test
    void endedBoostsAreRecordedAsExpired() {
        Instant end = T0.plusSeconds(100);
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0, end),
                        boost("b2", null, ONE_REQUEST, T0, end.plusSeconds(1000)))
                .andGivenCurrentTime(end.plusSeconds(5))
                .when(new ExpireBoosts("cs"))
                .expectEvents(new BoostExpired("cs", "b1", "alice", end, end.plusSeconds(5)))
                .expectResultMessagePayload(1);
    }

    @Test
    void grantingRecordsTheWindowAmountAndReasonAndIgnoresARepeat() {
        GrantBoost grant = new GrantBoost("cs", "b1", "alice", ONE_REQUEST, T0, T0.plusSeconds(60), "exam week",
                null, "manager-key");
        fixture.given(teamWithAlice())
                .andGivenCurrentTime(T0)
                .when(grant)
                .expectEvents(new BoostGranted("cs", "b1", "alice", ONE_REQUEST, T0, T0.plusSeconds(60), "exam week",
                        null, "manager-key", T0));
        fixture.given(teamWithAlice())
                .andGiven(new BoostGranted("cs", "b1", "alice", ONE_REQUEST, T0, T0.plusSeconds(60),
                        "exam week", null, "manager-key", T0))
                .andGivenCurrentTime(T0)
                .when(grant)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void refusesBoostsThatCannotBoostAnything() {
        fixture.given(teamWithAlice()).andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "alice", Money.ZERO, T0, T0.plusSeconds(60), "x", null, "a"))
                .expectException(CommandRefused.class);
        fixture.given(teamWithAlice()).andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "alice", ONE_REQUEST, T0, T0, "x", null, "a"))
                .expectException(CommandRefused.class);
        fixture.given(teamWithAlice()).andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "alice", ONE_REQUEST, T0.minusSeconds(60), T0, "x", null, "a"))
                .expectException(CommandRefused.class);
        fixture.given(teamWithAlice()).andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "mallory", ONE_REQUEST, T0, T0.plusSeconds(60), "x", null, "a"))
                .expectException(CommandRefused.class);
    }

    // ------------------------------------------------------------------ a boost's id

    static Object[] teamWithAliceAndBob() {
        return new Object[]{teamWithAlice()[0], teamWithAlice()[1],
                new UserRegistered("cs", "bob", "bob", "Bob", null, Set.of(), false, "admin", T0.minusSeconds(45),
                        fresh(MEMBER))};
    }

    @Test
    void aGrantSentAgainAfterItsBoostWasRevokedIsRefusedAndTheBoostStaysRevoked() {
        GrantBoost grant = new GrantBoost("cs", "b1", "alice", ONE_REQUEST, T0, T0.plusSeconds(3600), "project",
                null, "admin");
        fixture.given(teamWithAlice())
                .andGivenCurrentTime(T0)
                .andGivenCommands(grant, new RevokeBoost("cs", "b1", "admin", "mistake"))
                .when(grant)
                .expectException(TeamFixture.conflict())
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("boost 'b1' has ended"))
                .expectNoEvents();

        // and alice's budget is her own again: one request, not two
        fixture = TeamFixture.create();
        fixture.given(teamWithAlice())
                .andGivenCurrentTime(T0)
                .andGivenCommands(grant, new RevokeBoost("cs", "b1", "admin", "mistake"), reserve("r1"))
                .when(reserve("r2"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Rejected.class));
    }

    @Test
    void anExpiredBoostsIdIsNotGrantedAgainEvenWithANewEnd() {
        Instant end = T0.plusSeconds(100);
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(10), end),
                        new BoostExpired("cs", "b1", "alice", end, end.plusSeconds(1)))
                .andGivenCurrentTime(end.plusSeconds(5))
                .when(new GrantBoost("cs", "b1", "alice", ONE_REQUEST, end.plusSeconds(5), end.plusSeconds(3600),
                        "again", null, "admin"))
                .expectException(TeamFixture.conflict())
                .expectNoEvents();
    }

    /**
     * Past its end but before the sweep records it (BoostExpired): a retry of the same grant is the same conflict as
     * once its end is recorded, and as a cohort boost's, not a grant that boosts nothing.
     */
    @Test
    void aBoostsIdSentAgainPastItsEndBeforeItsEndIsRecordedIsAConflict() {
        Instant end = T0.plusSeconds(100);
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(10), end))
                .andGivenCurrentTime(end.plusSeconds(5))
                .when(new GrantBoost("cs", "b1", "alice", ONE_REQUEST, T0.minusSeconds(10), end, "project week",
                        null, "admin"))
                .expectException(TeamFixture.conflict())
                .expectExceptionMessage("boost 'b1' has ended (revoked or expired): a boost id is granted once; grant "
                        + "a new boost with a new id")
                .expectNoEvents();
    }

    @Test
    void aLiveBoostsIdSentAgainWithItsAmountAndEndIsARepeatWhateverItsStartAndOtherwiseAConflict() {
        // a grant that names no start starts when it is received: sent again, its start is later
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "alice", ONE_REQUEST, T0, T0.plusSeconds(3600), "project", null,
                        "admin"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();

        fixture = TeamFixture.create();
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "alice", Money.of("0.006"), T0, T0.plusSeconds(3600), "more",
                        null, "admin"))
                .expectException(TeamFixture.conflict())
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("other terms"))
                .expectNoEvents();

        fixture = TeamFixture.create();
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "alice", ONE_REQUEST, T0, T0.plusSeconds(7200), "longer", null,
                        "admin"))
                .expectException(TeamFixture.conflict())
                .expectNoEvents();
    }

    @Test
    void aBoostsIdOnAnotherAccountIsAConflictUnlessBothAreSharesOfOneCohortBoost() {
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "bob", ONE_REQUEST, T0, T0.plusSeconds(3600), "project", null,
                        "admin"))
                .expectException(TeamFixture.conflict())
                .expectNoEvents();

        BoostGranted aliceShare = new BoostGranted("cs", "c1", "alice", ONE_REQUEST, T0.minusSeconds(30),
                T0.plusSeconds(3600), "hackathon", "c1", "admin", T0.minusSeconds(30));
        fixture = TeamFixture.create();
        fixture.given(teamWithAliceAndBob())
                .andGiven(aliceShare)
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "c1", "bob", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600),
                        "hackathon", "c1", "admin"))
                .expectEvents(new BoostGranted("cs", "c1", "bob", ONE_REQUEST, T0.minusSeconds(30),
                        T0.plusSeconds(3600), "hackathon", "c1", "admin", T0));
    }

    @Test
    void aResumedCohortDistributionChangesNothingForAShareGrantedAlsoAfterTheMemberWasReadmitted() {
        BoostGranted aliceShare = new BoostGranted("cs", "c1", "alice", ONE_REQUEST, T0.minusSeconds(30),
                T0.plusSeconds(3600), "hackathon", "c1", "admin", T0.minusSeconds(30));
        GrantBoost share = new GrantBoost("cs", "c1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600),
                "hackathon", "c1", "admin");
        fixture.given(teamWithAlice())
                .andGiven(aliceShare,
                        new UserRemoved("cs", "alice", "alice", "admin", "left", T0.minusSeconds(20)),
                        new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                                T0.minusSeconds(10), fresh(MEMBER)))
                .andGivenCurrentTime(T0)
                .when(share)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();

        // her share still counts: two requests of her member budget of one
        fixture = TeamFixture.create();
        fixture.given(teamWithAlice())
                .andGiven(aliceShare,
                        new UserRemoved("cs", "alice", "alice", "admin", "left", T0.minusSeconds(20)),
                        new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin",
                                T0.minusSeconds(10), fresh(MEMBER)))
                .andGivenCurrentTime(T0)
                .andGivenCommands(share, reserve("r1"))
                .when(reserve("r2"))
                .expectResultMessagePayloadMatching(outcomes(SpendOutcome.Reserved.class));
    }

    @Test
    void aCohortShareIsGrantedToAMemberWhoMovedInFromAnotherTeamAndNotAgainOnceTheCohortBoostIsRevoked() {
        GrantBoost share = new GrantBoost("cs", "c1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600),
                "hackathon", "c1", "admin");
        Object[] movedIn = {teamWithAlice()[0],
                new UserMovedIn("m1", "cs", "alice", "math", "alice", Set.of(), "admin", "changed course",
                        T0.minusSeconds(50), fresh(MEMBER))};
        fixture.given(movedIn)
                .andGivenCurrentTime(T0)
                .when(share)
                .expectEvents(new BoostGranted("cs", "c1", "alice", ONE_REQUEST, T0.minusSeconds(30),
                        T0.plusSeconds(3600), "hackathon", "c1", "admin", T0));

        fixture = TeamFixture.create();
        fixture.given(movedIn)
                .andGivenCurrentTime(T0)
                .andGivenCommands(share, new RevokeBoost("cs", "c1", "admin", "cancelled"))
                .when(share)
                .expectException(TeamFixture.conflict())
                .expectNoEvents();
    }

    /**
     * A share's refusal is the skipped member's reason, which whoever may read the cohort boost sees: it says what
     * stands in the way, in the third person, and advises nobody. A manager's own grant keeps its advice.
     */
    @Test
    void aCohortSharesConflictIsWordedForWhoeverReadsTheBoostAndAManagersOwnGrantsForTheManager() {
        GrantBoost share = new GrantBoost("cs", "c1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600),
                "hackathon", "c1", "admin");
        // the cohort boost revoked before this share was offered (a distribution resumed after a restart)
        fixture.given(teamWithAliceAndBob())
                .andGiven(new BoostGranted("cs", "c1", "bob", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600),
                                "hackathon", "c1", "admin", T0.minusSeconds(30)),
                        new BoostRevoked("cs", "c1", "bob", "admin", "cancelled", T0.minusSeconds(20)))
                .andGivenCurrentTime(T0)
                .when(share)
                .expectException(TeamFixture.conflict())
                .expectExceptionMessage("boost 'c1' has ended (revoked or expired): an ended boost is not granted "
                        + "again");
        // alice holds a boost of her own with the cohort boost's id
        fixture = TeamFixture.create();
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("c1", "alice", Money.of("0.5"), T0.minusSeconds(30), T0.plusSeconds(600)))
                .andGivenCurrentTime(T0)
                .when(share)
                .expectException(TeamFixture.conflict())
                .expectExceptionMessage("user 'alice' already holds boost 'c1' with other terms (0.5 until "
                        + T0.plusSeconds(600) + "), not as a share of this cohort boost: a boost id is one decision");
        // bob does
        fixture = TeamFixture.create();
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("c1", "bob", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(share)
                .expectException(TeamFixture.conflict())
                .expectExceptionMessage("boost 'c1' was already granted to user 'bob', not as a share of this cohort "
                        + "boost: a boost id is one decision");

        // the same refusals of a manager's own grant
        GrantBoost own = new GrantBoost("cs", "c1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600),
                "project", null, "admin");
        fixture = TeamFixture.create();
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("c1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600)),
                        new BoostRevoked("cs", "c1", "alice", "admin", "mistake", T0.minusSeconds(20)))
                .andGivenCurrentTime(T0)
                .when(own)
                .expectExceptionMessage("boost 'c1' has ended (revoked or expired): a boost id is granted once; grant "
                        + "a new boost with a new id");
        fixture = TeamFixture.create();
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("c1", "alice", Money.of("0.5"), T0.minusSeconds(30), T0.plusSeconds(600)))
                .andGivenCurrentTime(T0)
                .when(own)
                .expectExceptionMessage("boost 'c1' was already granted with other terms (0.5 until "
                        + T0.plusSeconds(600) + "): a boost id is one decision; grant a new boost with a new id");
        fixture = TeamFixture.create();
        fixture.given(teamWithAliceAndBob())
                .andGiven(boost("c1", "bob", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600)))
                .andGivenCurrentTime(T0)
                .when(own)
                .expectExceptionMessage("boost 'c1' was already granted to user 'bob': a boost id is one decision; "
                        + "grant a new boost with a new id");
    }

    @Test
    void aTeamRebuiltFromItsEventsRemembersTheBoostsThatEnded() {
        // as stored by a release before the team remembered ended boosts: the events alone
        fixture.given(teamWithAlice())
                .andGiven(boost("b1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600)),
                        new BoostRevoked("cs", "b1", "alice", "admin", "mistake", T0.minusSeconds(20)))
                .andGivenCurrentTime(T0)
                .when(new GrantBoost("cs", "b1", "alice", ONE_REQUEST, T0.minusSeconds(30), T0.plusSeconds(3600),
                        "project week", null, "admin"))
                .expectException(TeamFixture.conflict())
                .expectNoEvents();
    }
}
