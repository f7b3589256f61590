package dev.tollgate.domain.recalculation;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.recalculation.ApproveRecalculation;
import dev.tollgate.api.recalculation.CompleteRecalculation;
import dev.tollgate.api.recalculation.FailRecalculation;
import dev.tollgate.api.recalculation.RecalculationApplied;
import dev.tollgate.api.recalculation.RecalculationApproved;
import dev.tollgate.api.recalculation.RecalculationCompleted;
import dev.tollgate.api.recalculation.RecalculationFailed;
import dev.tollgate.api.recalculation.RecalculationStarted;
import dev.tollgate.api.recalculation.RecalculationSuperseded;
import dev.tollgate.api.recalculation.RecordRecalculationApplied;
import dev.tollgate.api.recalculation.StartRecalculation;
import dev.tollgate.api.recalculation.SupersedeRecalculation;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

/** A recalculation's diff changes nothing until it is ready and approved, and it is approved at most once. */
class RecalculationTest {

    static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static final RecalculationStarted STARTED = new RecalculationStarted("recalc_1", FROM, NOW, "typo in a price",
            "admin", NOW);
    static final RecalculationCompleted READY = new RecalculationCompleted("recalc_1", 10, 2, Money.of("1"),
            Money.of("1.5"), NOW);

    AggregateTestFixture<Recalculation> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Recalculation.class);
    }

    @Test
    void startsOverAClosedRangeEndingNowWhenNoEndIsGiven() {
        fixture.givenCurrentTime(NOW)
                .when(new StartRecalculation("recalc_1", FROM, null, "typo in a price", "admin"))
                .expectEvents(STARTED);
    }

    @Test
    void refusesARangeInTheFutureOrWithoutAReason() {
        fixture.givenCurrentTime(NOW)
                .when(new StartRecalculation("recalc_1", NOW.plusSeconds(60), null, "x", "admin"))
                .expectException(CommandRefused.class);
        fixture.givenCurrentTime(NOW)
                .when(new StartRecalculation("recalc_1", FROM, null, " ", "admin"))
                .expectException(CommandRefused.class);
    }

    @Test
    void cannotBeApprovedWhileRunningOrAfterFailing() {
        fixture.given(STARTED)
                .when(new ApproveRecalculation("recalc_1", "admin", "ok"))
                .expectException(CommandRefused.class);
        fixture.given(STARTED, new RecalculationFailed("recalc_1", "stopped", NOW))
                .when(new ApproveRecalculation("recalc_1", "admin", "ok"))
                .expectException(CommandRefused.class);
    }

    @Test
    void isApprovedOnceWhenReadyThenApplied() {
        fixture.given(STARTED, READY)
                .andGivenCurrentTime(NOW)
                .when(new ApproveRecalculation("recalc_1", "admin", "checked"))
                .expectEvents(new RecalculationApproved("recalc_1", "admin", "checked", NOW));
        fixture.given(STARTED, READY, new RecalculationApproved("recalc_1", "admin", "checked", NOW))
                .when(new ApproveRecalculation("recalc_1", "admin", "again"))
                .expectException(CommandRefused.class);
        fixture.given(STARTED, READY, new RecalculationApproved("recalc_1", "admin", "checked", NOW))
                .andGivenCurrentTime(NOW)
                .when(new RecordRecalculationApplied("recalc_1", 2))
                .expectEvents(new RecalculationApplied("recalc_1", 2, NOW));
    }

    @Test
    void aCompletionOrFailureAfterTheFirstWordChangesNothing() {
        fixture.given(STARTED, READY)
                .when(new FailRecalculation("recalc_1", "late"))
                .expectNoEvents();
        fixture.given(STARTED, READY)
                .when(new CompleteRecalculation("recalc_1", 1, 1, Money.ZERO, Money.ZERO))
                .expectNoEvents();
    }

    @Test
    void aReadyRecalculationIsSupersededByAnotherOnesApprovalAndCanNoLongerBeApproved() {
        Instant later = NOW.plusSeconds(60);
        RecalculationSuperseded superseded = new RecalculationSuperseded("recalc_1", "recalc_2", "admin", later);
        fixture.given(STARTED, READY)
                .andGivenCurrentTime(later)
                .when(new SupersedeRecalculation("recalc_1", "recalc_2", "admin"))
                .expectEvents(superseded);
        fixture.given(STARTED, READY, superseded)
                .when(new ApproveRecalculation("recalc_1", "admin", "ok"))
                .expectNoEvents()
                .expectException(CommandRefused.class)
                .expectExceptionMessage(allOf(containsString("superseded by the approval of recalculation 'recalc_2'"),
                        containsString("Start a new recalculation")));
    }

    @Test
    void aRunningRecalculationIsSupersededAndItsLateCompletionChangesNothing() {
        RecalculationSuperseded superseded = new RecalculationSuperseded("recalc_1", "recalc_2", "admin", NOW);
        fixture.given(STARTED)
                .andGivenCurrentTime(NOW)
                .when(new SupersedeRecalculation("recalc_1", "recalc_2", "admin"))
                .expectEvents(superseded);
        fixture.given(STARTED, superseded)
                .when(new CompleteRecalculation("recalc_1", 10, 2, Money.of("1"), Money.of("1.5")))
                .expectNoEvents();
        fixture.given(STARTED, superseded)
                .when(new ApproveRecalculation("recalc_1", "admin", "ok"))
                .expectException(CommandRefused.class);
    }

    @Test
    void anApprovedAppliedFailedOrSupersededRecalculationIsNotSupersededAgain() {
        RecalculationApproved approved = new RecalculationApproved("recalc_1", "admin", "checked", NOW);
        fixture.given(STARTED, READY, approved)
                .when(new SupersedeRecalculation("recalc_1", "recalc_2", "admin"))
                .expectNoEvents();
        fixture.given(STARTED, READY, approved)
                .andGivenCurrentTime(NOW)
                .when(new RecordRecalculationApplied("recalc_1", 2))
                .expectEvents(new RecalculationApplied("recalc_1", 2, NOW));
        fixture.given(STARTED, READY, approved, new RecalculationApplied("recalc_1", 2, NOW))
                .when(new SupersedeRecalculation("recalc_1", "recalc_2", "admin"))
                .expectNoEvents();
        fixture.given(STARTED, new RecalculationFailed("recalc_1", "stopped", NOW))
                .when(new SupersedeRecalculation("recalc_1", "recalc_2", "admin"))
                .expectNoEvents();
        fixture.given(STARTED, new RecalculationSuperseded("recalc_1", "recalc_2", "admin", NOW))
                .when(new SupersedeRecalculation("recalc_1", "recalc_3", "admin"))
                .expectNoEvents();
    }

    @Test
    void theApprovedRecalculationDoesNotSupersedeItself() {
        fixture.given(STARTED, READY)
                .when(new SupersedeRecalculation("recalc_1", "recalc_1", "admin"))
                .expectNoEvents();
    }
}
