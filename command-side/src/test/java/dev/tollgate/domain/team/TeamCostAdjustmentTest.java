package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.CostAdjusted;
import dev.tollgate.api.spend.CostAdjustment;
import dev.tollgate.api.spend.Usage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.tollgate.domain.team.TeamSpendTest.APRIL;
import static dev.tollgate.domain.team.TeamSpendTest.MARCH;
import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.alice;
import static dev.tollgate.domain.team.TeamSpendTest.balance;
import static dev.tollgate.domain.team.TeamSpendTest.m;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;
import static org.hamcrest.Matchers.containsString;

/** An approved recalculation corrects costs: the current period's budgets follow, closed periods stay closed. */
class TeamCostAdjustmentTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");
    static final Usage USAGE = new Usage(1000, 500, 0, 0);

    AggregateTestFixture<Team> fixture;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
    }

    static CostAdjustment line(String requestId, Instant startedAt) {
        return new CostAdjustment(requestId, "alice", "key-1", "gpt-test", "openai", USAGE, startedAt,
                Map.of("course", "cs101"), m("0.002"), m("0.0035"), "v2");
    }

    static CostAdjusted adjusted(String requestId, Instant startedAt, int chunk, Instant at, String teamSpent,
                                 String userSpent, Instant periodStart) {
        return adjusted("recalc_1", requestId, startedAt, chunk, at, teamSpent, userSpent, periodStart);
    }

    static CostAdjusted adjusted(String recalculationId, String requestId, Instant startedAt, int chunk, Instant at,
                                 String teamSpent, String userSpent, Instant periodStart) {
        return new CostAdjusted(requestId, "cs", "alice", "key-1", "gpt-test", "openai", USAGE, startedAt,
                Map.of("course", "cs101"), m("0.002"), m("0.0035"), m("0.0015"), "v2", recalculationId, chunk,
                "admin", "invoice", at, balance(TEAM, periodStart, teamSpent, "0"),
                balance(MEMBER, periodStart, userSpent, "0"), null);
    }

    @Test
    void aCorrectionInTheCurrentPeriodChangesWhatWasSpent() {
        Instant now = T0.plusSeconds(3600);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(now)
                .when(new AdjustCosts("cs", "recalc_1", T0, 0, List.of(line("r1", T0), line("r2", T0)), "admin",
                        "invoice"))
                .expectEvents(adjusted("r1", T0, 0, now, "0.0015", "0.0015", MARCH),
                        adjusted("r2", T0, 0, now, "0.003", "0.003", MARCH));
    }

    @Test
    void aCorrectionOfAClosedPeriodIsRecordedButChargesNoCurrentBudget() {
        Instant now = APRIL.plusSeconds(60);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(now)
                .when(new AdjustCosts("cs", "recalc_1", T0, 0, List.of(line("r1", T0)), "admin", "invoice"))
                .expectEvents(adjusted("r1", T0, 0, now, "0", "0", APRIL));
    }

    @Test
    void aChunkAlreadyRecordedIsIgnoredSoAResumedApprovalNeverAdjustsTwice() {
        Instant now = T0.plusSeconds(3600);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        adjusted("r1", T0, 0, now, "0.0015", "0.0015", MARCH))
                .andGivenCurrentTime(now)
                .when(new AdjustCosts("cs", "recalc_1", T0, 0, List.of(line("r1", T0)), "admin", "invoice"))
                .expectNoEvents();
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        adjusted("r1", T0, 0, now, "0.0015", "0.0015", MARCH))
                .andGivenCurrentTime(now)
                .when(new AdjustCosts("cs", "recalc_1", T0, 1, List.of(line("r2", T0)), "admin", "invoice"))
                .expectEvents(adjusted("r2", T0, 1, now, "0.003", "0.003", MARCH));
    }

    @Test
    void aRecalculationComputedBeforeAnotherCorrectedTheTeamsCostsIsRefusedSoNoCorrectionCountsTwice() {
        Instant recorded = T0.plusSeconds(3600);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        adjusted("r1", T0, 0, recorded, "0.0015", "0.0015", MARCH))
                .andGivenCurrentTime(recorded.plusSeconds(60))
                // recalc_2 started before recalc_1 was recorded: its line's old cost is r1's cost before recalc_1
                .when(new AdjustCosts("cs", "recalc_2", recorded.minusSeconds(600), 0, List.of(line("r1", T0)),
                        "admin", "invoice"))
                .expectNoEvents()
                .expectException(CommandRefused.class)
                .expectExceptionMessage(containsString("before recalculation 'recalc_1' corrected costs"));
    }

    @Test
    void aRecalculationComputedAfterAnotherWasRecordedIsRecorded() {
        Instant recorded = T0.plusSeconds(3600);
        Instant now = recorded.plusSeconds(120);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        adjusted("r1", T0, 0, recorded, "0.0015", "0.0015", MARCH))
                .andGivenCurrentTime(now)
                .when(new AdjustCosts("cs", "recalc_2", recorded.plusSeconds(60), 0, List.of(line("r2", T0)),
                        "admin", "invoice"))
                .expectEvents(adjusted("recalc_2", "r2", T0, 0, now, "0.003", "0.003", MARCH));
    }

    @Test
    void aRecalculationsOwnEarlierChunksNeverMakeItsNextChunkStale() {
        Instant recorded = T0.plusSeconds(3600);
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        adjusted("r1", T0, 0, recorded, "0.0015", "0.0015", MARCH))
                .andGivenCurrentTime(recorded.plusSeconds(60))
                .when(new AdjustCosts("cs", "recalc_1", T0, 1, List.of(line("r2", T0)), "admin", "invoice"))
                .expectEvents(adjusted("r2", T0, 1, recorded.plusSeconds(60), "0.003", "0.003", MARCH));
    }

    @Test
    void aCorrectionWithoutTheInstantItsRecalculationStartedIsRefused() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .when(new AdjustCosts("cs", "recalc_1", null, 0, List.of(line("r1", T0)), "admin", "invoice"))
                .expectNoEvents()
                .expectException(CommandRefused.class);
    }
}
