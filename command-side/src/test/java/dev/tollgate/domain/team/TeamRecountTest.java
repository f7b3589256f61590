package dev.tollgate.domain.team;

import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tollgate.domain.team.TeamSpendTest.MARCH;
import static dev.tollgate.domain.team.TeamSpendTest.OUTPUT;
import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.TTL;
import static dev.tollgate.domain.team.TeamSpendTest.alice;
import static dev.tollgate.domain.team.TeamSpendTest.balance;
import static dev.tollgate.domain.team.TeamSpendTest.m;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;

/**
 * A reservation whose prompt is priced by an upper bound ({@link ReserveSpend#recountShare}): decided as usual while
 * its worst case is a small share of what is left; otherwise answered {@link SpendOutcome.Recount}, with nothing
 * recorded, so that no refusal and no clamp is ever decided on the bound.
 */
class TeamRecountTest {

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    /** Worst case 0.003 (0.001 of prompt, 1,000 output tokens at 2.00/M); recount when above 1/4 of what is left. */
    static ReserveSpend bounded(String requestId) {
        return line(requestId, "alice", 4);
    }

    /** A reservation of 0.001 of prompt and up to 1,000 output tokens; {@code recountShare} 0 = an exact count. */
    static ReserveSpend line(String requestId, String user, int recountShare) {
        return new ReserveSpend(requestId, user, null, "key-1", "gpt-test", m("0.001"), OUTPUT, 1000, 16, TTL,
                Map.of(), recountShare);
    }

    static RecordSpendBatch batch(ReserveSpend line) {
        return new RecordSpendBatch("cs", List.of(line));
    }

    @Test
    void farFromTheLimitTheBoundIsReserved() {
        Budget team = monthly("10");
        Budget member = monthly("0.012"); // 0.003 is exactly a quarter of it
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(bounded("r1")))
                .expectEvents(new SpendReserved("r1", "cs", "alice", "key-1", "gpt-test", m("0.003"), 1000, 1000,
                        false, T0, T0.plus(TTL), Map.of(), balance(team, MARCH, "0", "0.003"),
                        balance(member, MARCH, "0", "0.003"), null))
                .expectResultMessagePayload(new SpendBatchResult(List.of(
                        new SpendOutcome.Reserved("r1", "alice", m("0.003"), 1000, false))));
    }

    @Test
    void closeToTheLimitNothingIsDecidedAndTheEdgeIsAskedToCount() {
        Budget team = monthly("10");
        Budget member = monthly("0.011999999"); // a quarter of it is just below 0.003
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(bounded("r1")))
                .expectEvents()
                .expectResultMessagePayload(new SpendBatchResult(List.of(new SpendOutcome.Recount("r1"))));
    }

    @Test
    void aLineThatWouldBeClampedOrRefusedOnTheBoundIsNeither() {
        Budget team = monthly("10");
        Budget member = monthly("0.002");
        for (OverBudgetPolicy policy : OverBudgetPolicy.values()) {
            TeamFixture.create().given(teamCreated(team, member, policy), alice(member))
                    .andGivenCurrentTime(T0)
                    .when(batch(bounded("r1")))
                    .expectEvents()
                    .expectResultMessagePayload(new SpendBatchResult(List.of(new SpendOutcome.Recount("r1"))));
        }
    }

    @Test
    void aMembershipRefusalIsRecordedOnlyWithTheExactCount() {
        Budget team = monthly("10");
        Budget member = monthly("1");
        fixture.given(teamCreated(team, member, OverBudgetPolicy.CLAMP), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(line("r1", "bob", 4)))
                .expectEvents()
                .expectResultMessagePayload(new SpendBatchResult(List.of(new SpendOutcome.Recount("r1"))));
    }

    @Test
    void theExactLineIsDecidedAsAlways() {
        Budget team = monthly("10");
        Budget member = monthly("0.002");
        fixture.given(teamCreated(team, member, OverBudgetPolicy.REJECT), alice(member))
                .andGivenCurrentTime(T0)
                .when(batch(line("r1", "alice", 0)))
                .expectEvents(new SpendRejected("r1", "cs", "alice", "key-1", "gpt-test", "user", m("0.003"),
                        m("0.002"), TeamSpendTest.APRIL, T0, Map.of()))
                .expectResultMessagePayload(new SpendBatchResult(List.of(new SpendOutcome.Rejected("r1", "user",
                        "alice", m("0.003"), m("0.002"), TeamSpendTest.APRIL, "budget_exhausted"))));
    }
}
