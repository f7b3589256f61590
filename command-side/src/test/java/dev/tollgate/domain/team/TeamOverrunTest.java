package dev.tollgate.domain.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.SpendOverran;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.KeyBudgetSet;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.tollgate.domain.team.TeamSpendTest.APRIL;
import static dev.tollgate.domain.team.TeamSpendTest.MARCH;
import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.TTL;
import static dev.tollgate.domain.team.TeamSpendTest.alice;
import static dev.tollgate.domain.team.TeamSpendTest.batch;
import static dev.tollgate.domain.team.TeamSpendTest.m;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.reserve;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;

/**
 * A settlement that costs more than its reservation (an upstream that ignored max_tokens, or counted more prompt
 * tokens than Tollgate) is charged in full, and the excess is never hidden: it is its own event, and every balance
 * it touches counts it as overrun in the period of the request. {@code reserve("r1")} sets aside 0.003.
 */
class TeamOverrunTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");
    static final Budget KEY = Budget.of("0.5", BudgetPeriod.MONTHLY);
    static final Usage USAGE = new Usage(1000, 1550, 0, 0);

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static AccountBalance balance(Budget budget, Instant periodStart, String spent, String reserved, String overrun) {
        return new AccountBalance(budget.limit(), budget.period(), periodStart, budget.period().endOf(periodStart),
                m(spent), m(reserved), m(overrun));
    }

    static KeyBudgetSet keyBudget() {
        return new KeyBudgetSet("cs", "key-1", KEY, null, "admin", "lab", T0.minusSeconds(100),
                balance(KEY, MARCH, "0", "0", "0"));
    }

    static SettleSpend settle(String cost) {
        return new SettleSpend("r1", "gpt-test", USAGE, m(cost), "v1", "openai", "eu", 90);
    }

    @Test
    void aSettlementAboveItsReservationRecordsTheExcessAndCountsItOnEveryBalance() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), keyBudget())
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")))
                .when(batch(settle("0.0041")))
                .expectEvents(
                        new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "openai", "eu", USAGE, m("0.003"),
                                m("0.0041"), "v1", 90, T0, T0, balance(TEAM, MARCH, "0.0041", "0", "0.0011"),
                                balance(MEMBER, MARCH, "0.0041", "0", "0.0011"),
                                balance(KEY, MARCH, "0.0041", "0", "0.0011")),
                        new SpendOverran("r1", "cs", "alice", "key-1", "gpt-test", "openai", "eu", m("0.003"),
                                m("0.0041"), m("0.0011"), T0, T0, Map.of()))
                .expectResultMessagePayload(new SpendBatchResult(List.of(new SpendOutcome.Settled("r1",
                        m("0.0041")))));
    }

    @Test
    void aSettlementAtItsReservationIsNoOverrun() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r1")))
                .when(batch(settle("0.003")))
                .expectEvents(new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "openai", "eu", USAGE,
                        m("0.003"), m("0.003"), "v1", 90, T0, T0, balance(TEAM, MARCH, "0.003", "0", "0"),
                        balance(MEMBER, MARCH, "0.003", "0", "0"), null));
    }

    @Test
    void overrunsAddUpWithinAPeriod() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r0")), batch(new SettleSpend("r0", "gpt-test", USAGE, m("0.0032"),
                        "v1", "openai", "eu", 90)), batch(reserve("r1")))
                .when(batch(settle("0.0035")))
                .expectEvents(
                        new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "openai", "eu", USAGE, m("0.003"),
                                m("0.0035"), "v1", 90, T0, T0, balance(TEAM, MARCH, "0.0067", "0", "0.0007"),
                                balance(MEMBER, MARCH, "0.0067", "0", "0.0007"), null),
                        new SpendOverran("r1", "cs", "alice", "key-1", "gpt-test", "openai", "eu", m("0.003"),
                                m("0.0035"), m("0.0005"), T0, T0, Map.of()));
    }

    @Test
    void anOverrunBelongsToThePeriodTheRequestWasReservedIn() {
        Instant inApril = APRIL.plusSeconds(30);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000, false,
                                APRIL.minusSeconds(30), APRIL.minusSeconds(30).plus(TTL), Map.of(),
                                balance(TEAM, MARCH, "0", "0.003", "0"), balance(MEMBER, MARCH, "0", "0.003", "0"),
                                null))
                .andGivenCurrentTime(inApril)
                .when(batch(settle("0.0041")))
                .expectEvents(
                        new SpendSettled("r1", "cs", "alice", "key-1", "gpt-test", "openai", "eu", USAGE, m("0.003"),
                                m("0.0041"), "v1", 90, APRIL.minusSeconds(30), inApril,
                                balance(TEAM, APRIL, "0", "0", "0"), balance(MEMBER, APRIL, "0", "0", "0"), null),
                        new SpendOverran("r1", "cs", "alice", "key-1", "gpt-test", "openai", "eu", m("0.003"),
                                m("0.0041"), m("0.0011"), APRIL.minusSeconds(30), inApril, Map.of()));
    }

    @Test
    void aNewPeriodStartsWithoutOverrun() {
        Instant inApril = APRIL.plusSeconds(60);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .andGivenCommands(batch(reserve("r0")), batch(new SettleSpend("r0", "gpt-test", USAGE, m("0.0041"),
                        "v1", "openai", "eu", 90)))
                .andGivenCurrentTime(inApril)
                .when(batch(reserve("r1")))
                .expectEvents(new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000,
                        false, inApril, inApril.plus(TTL), Map.of(), balance(TEAM, APRIL, "0", "0.003", "0"),
                        balance(MEMBER, APRIL, "0", "0.003", "0"), null));
    }
}
