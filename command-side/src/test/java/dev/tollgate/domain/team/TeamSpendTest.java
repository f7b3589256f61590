package dev.tollgate.domain.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.ExpireReservations;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReservationExpired;
import dev.tollgate.api.spend.ReservationReleased;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendLine;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserRegistered;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spend rules of a team: reserve, clamp, reject, settle, release, expire, and the budget periods.
 * Prices are chosen so that amounts are easy to check: input 1.00 and output 2.00 per million tokens.
 */
class TeamSpendTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
    static final TokenPrice OUTPUT = TokenPrice.perMillion("2.00");
    static final Duration TTL = Duration.ofMinutes(15);

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static Money m(String decimal) {
        return Money.of(decimal);
    }

    static Budget monthly(String limit) {
        return Budget.of(limit, BudgetPeriod.MONTHLY);
    }

    static AccountBalance balance(Budget budget, Instant periodStart, String spent, String reserved) {
        return new AccountBalance(budget.limit(), budget.period(), periodStart,
                budget.period().endOf(periodStart), m(spent), m(reserved));
    }

    static TeamCreated teamCreated(Budget team, Budget member, OverBudgetPolicy policy) {
        return new TeamCreated("cs", "Computer Science", team, member, policy, "admin", "new course",
                T0.minusSeconds(3600), balance(team, MARCH, "0", "0"));
    }

    static UserRegistered alice(Budget member) {
        return new UserRegistered("cs", "alice", "alice", "Alice", null, Set.of(), false, "admin", T0.minusSeconds(3000),
                balance(member, MARCH, "0", "0"));
    }

    /** 1,000 prompt tokens at 1.00/M (0.001) plus up to 1,000 output tokens at 2.00/M (0.002): 0.003 worst case. */
    static ReserveSpend reserve(String requestId) {
        return new ReserveSpend(requestId, "alice", null, "key-1", "gpt-test", m("0.001"), OUTPUT, 1000, 16, TTL,
                Map.of());
    }

    static RecordSpendBatch batch(SpendLine... lines) {
        return new RecordSpendBatch("cs", List.of(lines));
    }

    @Test
    void reservesTheWorstCaseWhenItFits() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(reserve("r1")))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000,
                        false, T0, T0.plus(TTL), Map.of(), balance(team, MARCH, "0", "0.003"),
                        balance(member, MARCH, "0", "0.003"), null))
                .expectResultMessagePayload(new SpendBatchResult(List.of(
                        new SpendOutcome.Reserved("r1", "alice", m("0.003"), 1000, false))));
    }

    @Test
    void rejectsReservationBeyondEffectiveLimitWhenThePolicyIsReject() {
        Budget team = monthly("10");
        Budget member = monthly("0.002");
        Instant resets = APRIL;
        fixture.given(teamCreated(team, member, OverBudgetPolicy.REJECT), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(reserve("r1")))
                .expectEvents(new SpendRejected("r1", "cs", "alice", "key-1", "gpt-test", "user", m("0.003"),
                        m("0.002"), resets, T0, Map.of()))
                .expectResultMessagePayload(new SpendBatchResult(List.of(new SpendOutcome.Rejected("r1", "user",
                        "alice", m("0.003"), m("0.002"), resets, "budget_exhausted"))));
    }

    @Test
    void clampsTheOutputTokensToWhatTheBudgetAffords() {
        Budget team = monthly("10");
        Budget member = monthly("0.002");
        // 0.002 left: the prompt takes 0.001, so 0.001 / (2.00/M) = 500 output tokens.
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(reserve("r1")))
                .expectEvents(new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.002"), 1000, 500,
                        true, T0, T0.plus(TTL), Map.of(), balance(team, MARCH, "0", "0.002"),
                        balance(member, MARCH, "0", "0.002"), null))
                .expectResultMessagePayload(new SpendBatchResult(List.of(
                        new SpendOutcome.Reserved("r1", "alice", m("0.002"), 500, true))));
    }

    @Test
    void rejectsWhenNotEvenThePromptAndMinimumOutputFit() {
        Budget team = monthly("10");
        Budget member = monthly("0.00103");
        // prompt 0.001 + 16 tokens * 2.00/M = 0.001032 > 0.00103
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(reserve("r1")))
                .expectEvents(new SpendRejected("r1", "cs", "alice", "key-1", "gpt-test", "user", m("0.001032"),
                        m("0.00103"), APRIL, T0, Map.of()));
    }

    @Test
    void namesTheTeamBudgetWhenTheTeamIsShort() {
        Budget team = Budget.of("0.0005", BudgetPeriod.DAILY);
        Budget member = monthly("1");
        AccountBalance teamStart = new AccountBalance(team.limit(), BudgetPeriod.DAILY,
                Instant.parse("2026-03-10T00:00:00Z"), Instant.parse("2026-03-11T00:00:00Z"), m("0"), m("0"));
        fixture.given(new TeamCreated("cs", "CS", team, member, OverBudgetPolicy.CLAMP, "admin", null,
                        T0.minusSeconds(60), teamStart), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(reserve("r1")))
                .expectEvents(new SpendRejected("r1", "cs", "alice", "key-1", "gpt-test", "team", m("0.001032"),
                        m("0.0005"), Instant.parse("2026-03-11T00:00:00Z"), T0, Map.of()));
    }

    @Test
    void settlingChargesTheRealCostAndReturnsTheRestOfTheReservation() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        Usage usage = new Usage(1000, 200, 0, 0);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")))
                .when(batch(new SettleSpend("r1", "gpt-test", usage, m("0.0014"), "v1", "openai", "openai-eu", 120)))
                .expectEvents(new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "openai", "openai-eu",
                        usage, m("0.003"), m("0.0014"), "v1", 120, T0, T0,
                        balance(team, MARCH, "0.0014", "0"), balance(member, MARCH, "0.0014", "0"), null))
                .expectResultMessagePayload(new SpendBatchResult(List.of(new SpendOutcome.Settled("r1",
                        m("0.0014")))));
    }

    @Test
    void aSettlementWithANegativeCostIsRefusedAloneAndTheOtherLinesOfItsBatchAreDecided() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        Usage usage = new Usage(1000, 200, 0, 0);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1"), reserve("r2")))
                .when(batch(new SettleSpend("r1", "gpt-test", new Usage(1000, -5000, 0, 0), m("-0.009"), "v1",
                                "openai", "openai-eu", 120),
                        new SettleSpend("r2", "gpt-test", usage, m("0.0014"), "v1", "openai", "openai-eu", 120),
                        reserve("r3")))
                .expectSuccessfulHandlerExecution()
                // r1 is still open (0.003 reserved): r2 settled, r3 reserved beside it
                .expectEvents(new SpendSettled("r2", "cs", "alice", "key-1", "gpt-test", "openai", "openai-eu",
                                usage, m("0.003"), m("0.0014"), "v1", 120, T0, T0,
                                balance(team, MARCH, "0.0014", "0.003"), balance(member, MARCH, "0.0014", "0.003"),
                                null),
                        new SpendReserved("r3", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000,
                                false, T0, T0.plus(TTL), Map.of(), balance(team, MARCH, "0.0014", "0.006"),
                                balance(member, MARCH, "0.0014", "0.006"), null))
                .expectResultMessagePayload(new SpendBatchResult(List.of(
                        new SpendOutcome.Refused("r1", "a cost cannot be negative"),
                        new SpendOutcome.Settled("r2", m("0.0014")),
                        new SpendOutcome.Reserved("r3", "alice", m("0.003"), 1000, false))));
    }

    @Test
    void aRefusedSettlementLeavesItsReservationOpenToBeSettledAgain() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        Usage usage = new Usage(1000, 200, 0, 0);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")), batch(new SettleSpend("r1", "gpt-test", usage,
                        m("-0.001"), "v1", "openai", "openai-eu", 120)))
                .when(batch(new SettleSpend("r1", "gpt-test", usage, m("0.0014"), "v1", "openai", "openai-eu", 120)))
                .expectEvents(new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "openai", "openai-eu",
                        usage, m("0.003"), m("0.0014"), "v1", 120, T0, T0,
                        balance(team, MARCH, "0.0014", "0"), balance(member, MARCH, "0.0014", "0"), null));
    }

    @Test
    void aSettlementAnsweredByAFallbackRecordsTheAnsweringModelAndItsAttempts() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        Usage usage = new Usage(1000, 200, 0, 0);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")))
                .when(batch(new SettleSpend("r1", "gpt-fallback", usage, m("0.0014"), "v1", "openai", "fb-eu", 120,
                        3)))
                .expectEvents(new SpendSettled("r1", "cs", "alice", "key-1", "gpt-fallback", "openai", "fb-eu",
                        usage, m("0.003"), m("0.0014"), "v1", 120, T0, T0,
                        balance(team, MARCH, "0.0014", "0"), balance(member, MARCH, "0.0014", "0"), null, Map.of(),
                        3));
    }

    @Test
    void aSettlementStoredBeforeAttemptsWereRecordedReadsAsZeroAttempts() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .findAndRegisterModules();
        SpendSettled settled = new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "openai", "d",
                new Usage(1, 2, 0, 0), m("0.003"), m("0.0014"), "v1", 120, T0, T0, null, null, null, Map.of(), 2);
        com.fasterxml.jackson.databind.node.ObjectNode stored = json.valueToTree(settled);
        stored.remove("attempts");
        SpendSettled old = json.treeToValue(stored, SpendSettled.class);
        org.assertj.core.api.Assertions.assertThat(old.attempts()).isZero();
        org.assertj.core.api.Assertions.assertThat(old.model()).isEqualTo("gpt-test");
        SettleSpend line = json.treeToValue(((com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(
                new SettleSpend("r1", "m", Usage.NONE, m("0"), "v1", "p", "d", 1, 4))).without("attempts"),
                SettleSpend.class);
        org.assertj.core.api.Assertions.assertThat(line.attempts()).isZero();
    }

    @Test
    void releasingGivesTheWholeReservationBack() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")))
                .when(batch(new ReleaseReservation("r1", "upstream_error")))
                .expectEvents(new ReservationReleased("r1", "cs", "alice", "key-1", m("0.003"), "upstream_error", T0,
                        balance(team, MARCH, "0", "0"), balance(member, MARCH, "0", "0"), null));
    }

    @Test
    void aRequestIsClosedOnlyOnce() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        Usage usage = new Usage(1000, 200, 0, 0);
        SettleSpend settle = new SettleSpend("r1", "gpt-test", usage, m("0.0014"), "v1", "openai", "d1", 5);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")), batch(settle))
                .when(batch(settle, new ReleaseReservation("r1", "late"), reserve("r1")))
                .expectNoEvents()
                .expectResultMessagePayload(new SpendBatchResult(List.of(
                        new SpendOutcome.NotOpen("r1", "settled"),
                        new SpendOutcome.NotOpen("r1", "settled"),
                        new SpendOutcome.NotOpen("r1", "settled"))));
    }

    @Test
    void aRetriedReservationIsNotReservedTwice() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")))
                .when(batch(reserve("r1")))
                .expectNoEvents()
                .expectResultMessagePayload(new SpendBatchResult(List.of(
                        new SpendOutcome.Reserved("r1", "alice", m("0.003"), 1000, false))));
    }

    @Test
    void decidesTheLinesOfABatchInOrderAgainstWhatTheEarlierLinesReserved() {
        Budget team = monthly("10");
        Budget member = monthly("0.009"); // three worst cases of 0.003
        List<SpendLine> lines = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            lines.add(reserve("r" + i));
        }
        fixture = TeamFixture.create();
        fixture.given(teamCreated(team, member, OverBudgetPolicy.REJECT), alice(member))
                .andGivenCurrentTime(T0)
                .when(new RecordSpendBatch("cs", lines))
                .expectResultMessagePayloadMatching(new org.hamcrest.CustomTypeSafeMatcher<SpendBatchResult>(
                        "three reserved, then two rejected") {
                    @Override
                    protected boolean matchesSafely(SpendBatchResult result) {
                        List<SpendOutcome> o = result.outcomes();
                        return o.size() == 5 && o.subList(0, 3).stream().allMatch(SpendOutcome.Reserved.class::isInstance)
                                && o.subList(3, 5).stream().allMatch(SpendOutcome.Rejected.class::isInstance);
                    }
                })
                .expectState(state -> {
                    assertThat(state.openReservations()).isEqualTo(3);
                });
    }

    @Test
    void expiresAnOverdueReservationAtItsEstimateAndFlagsIt() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        Instant later = T0.plus(TTL).plusSeconds(1);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")))
                .andGivenCurrentTime(later)
                .when(new ExpireReservations("cs"))
                .expectEvents(new ReservationExpired("r1", "cs", "alice", "key-1", m("0.003"), true, T0,
                        T0.plus(TTL), later, balance(team, MARCH, "0.003", "0"),
                        balance(member, MARCH, "0.003", "0"), null, "gpt-test", Map.of()))
                .expectResultMessagePayload(1);
    }

    @Test
    void anOverdueReservationExpiresBeforeTheNextBatchIsDecided() {
        Budget team = monthly("10");
        Budget member = monthly("0.003");
        Instant later = T0.plus(TTL);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.REJECT), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")))
                .andGivenCurrentTime(later)
                .when(batch(new SettleSpend("r1", "gpt-test", Usage.NONE, m("0.001"), "v1", "p", "d", 1),
                        reserve("r2")))
                .expectEvents(new ReservationExpired("r1", "cs", "alice", "key-1", m("0.003"), true, T0,
                                T0.plus(TTL), later, balance(team, MARCH, "0.003", "0"),
                                balance(member, MARCH, "0.003", "0"), null, "gpt-test", Map.of()),
                        new SpendRejected("r2", "cs", "alice", "key-1", "gpt-test", "user", m("0.003"), m("0"),
                                APRIL, later, Map.of()));
    }

    @Test
    void aNewPeriodStartsFromZeroWithoutAnyJob() {
        Budget team = monthly("10");
        Budget member = monthly("0.003");
        Instant nextMonth = Instant.parse("2026-04-02T08:00:00Z");
        Usage usage = new Usage(1000, 1000, 0, 0);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.REJECT), alice(member))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")),
                        batch(new SettleSpend("r1", "gpt-test", usage, m("0.003"), "v1", "p", "d", 1)))
                .andGivenCurrentTime(nextMonth)
                .when(batch(reserve("r2")))
                .expectEvents(new SpendReserved("r2", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000,
                        false, nextMonth, nextMonth.plus(TTL), Map.of(), balance(team, APRIL, "0", "0.003"),
                        balance(member, APRIL, "0", "0.003"), null));
    }

    @Test
    void spendOfARequestReservedLastPeriodDoesNotCountAgainstTheNewOne() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        Instant lateMarch = Instant.parse("2026-03-31T23:59:59Z");
        Instant earlyApril = Instant.parse("2026-04-01T00:00:02Z");
        Usage usage = new Usage(1000, 100, 0, 0);
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(lateMarch)
                .andGivenCommands(batch(reserve("r1")))
                .andGivenCurrentTime(earlyApril)
                .when(batch(new SettleSpend("r1", "gpt-test", usage, m("0.0012"), "v1", "p", "d", 3000)))
                .expectEvents(new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "p", "d", usage, m("0.003"),
                        m("0.0012"), "v1", 3000, lateMarch, earlyApril, balance(team, APRIL, "0", "0"),
                        balance(member, APRIL, "0", "0"), null));
    }

    @Test
    void registersAnUnknownUserOfATeamKeyWithTheMemberBudget() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        ReserveSpend line = new ReserveSpend("r1", null, "bob", "team-key", "gpt-test", m("0.001"), OUTPUT, 1000, 16,
                TTL, Map.of());
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP))
                .andGivenCurrentTime(T0)
                .when(batch(line))
                .expectEvents(new UserRegistered("cs", "cs:bob", "bob", "bob", null, Set.of(), true, "gateway", T0,
                                balance(member, MARCH, "0", "0")),
                        new SpendReserved("r1", "cs", "cs:bob", "team-key", "gpt-test", m("0.003"), 1000, 1000, false,
                                T0, T0.plus(TTL), Map.of(), balance(team, MARCH, "0", "0.003"),
                                balance(member, MARCH, "0", "0.003"), null));
    }

    @Test
    void aTeamKeyWithoutUserChargesTheTeamOnly() {
        Budget team = monthly("10");
        Budget member = monthly("0.000001");
        ReserveSpend line = new ReserveSpend("r1", null, null, "team-key", "gpt-test", m("0.001"), OUTPUT, 1000, 16,
                TTL, Map.of());
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP))
                .andGivenCurrentTime(T0)
                .when(batch(line))
                .expectEvents(new SpendReserved("r1", "cs", null, "team-key", "gpt-test", m("0.003"), 1000, 1000,
                        false, T0, T0.plus(TTL), Map.of(), balance(team, MARCH, "0", "0.003"), null, null));
    }
}
