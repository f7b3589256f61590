package dev.tollgate.domain.boost;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.boost.CohortBoostDistributed;
import dev.tollgate.api.boost.CohortBoostDistributedWithoutRecord;
import dev.tollgate.api.boost.CohortBoostGrantRepeated;
import dev.tollgate.api.boost.CohortBoostGranted;
import dev.tollgate.api.boost.CohortBoostRevoked;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.ConfirmCohortBoostDistribution;
import dev.tollgate.api.boost.GrantCohortBoost;
import dev.tollgate.api.boost.RecordCohortBoostDistribution;
import dev.tollgate.api.boost.RevokeCohortBoost;
import dev.tollgate.api.boost.SkippedMember;
import dev.tollgate.api.money.Money;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

class CohortBoostTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final List<CohortMember> MEMBERS = List.of(new CohortMember("ann", "cs"), new CohortMember("bo", "cs"),
            new CohortMember("cy", "math"));

    AggregateTestFixture<CohortBoost> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(CohortBoost.class);
    }

    @Test
    void aCohortBoostIsOneDecisionListingItsMembers() {
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(new GrantCohortBoost("b1", MEMBERS, "tag:course:cs101", Money.of("2"), T0, T0.plusSeconds(3600),
                        "project week", "admin"))
                .expectEvents(new CohortBoostGranted("b1", MEMBERS, "tag:course:cs101", Money.of("2"), T0,
                        T0.plusSeconds(3600), "project week", "admin", T0));
    }

    @Test
    void aCappedManagersCohortBoostCarriesTheirCapToEachMembersTeam() {
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(new GrantCohortBoost("b1", MEMBERS, "users", Money.of("2"), T0, T0.plusSeconds(3600),
                        "project week", "manager", Money.of("10")))
                .expectEvents(new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                        T0.plusSeconds(3600), "project week", "manager", T0, Money.of("10")));
    }

    @Test
    void aGrantSentAgainWithTheSameTermsChangesNothingAndOtherTermsOrARevokedBoostAreAConflict() {
        CohortBoostGranted granted = new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "x", "admin", T0);
        CohortBoostDistributed distributed = new CohortBoostDistributed("b1", 3, List.of(), T0.plusSeconds(1));
        fixture.given(granted, distributed).andGivenCurrentTime(T0.plusSeconds(5))
                .when(new GrantCohortBoost("b1", MEMBERS, "users", Money.of("2"), T0.plusSeconds(5),
                        T0.plusSeconds(3600), "x", "admin"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(granted).andGivenCurrentTime(T0)
                .when(new GrantCohortBoost("b1", MEMBERS, "users", Money.of("3"), T0, T0.plusSeconds(3600), "x",
                        "admin"))
                .expectException(CommandRefused.class).expectExceptionMessage(
                        org.hamcrest.Matchers.containsString("already granted with other terms"));
        fixture.given(granted, new CohortBoostRevoked("b1", List.of("cs", "math"), "admin", "cancelled", T0))
                .andGivenCurrentTime(T0)
                .when(new GrantCohortBoost("b1", MEMBERS, "users", Money.of("2"), T0, T0.plusSeconds(3600), "x",
                        "admin"))
                .expectException(CommandRefused.class).expectExceptionMessage(
                        org.hamcrest.Matchers.containsString("has ended"));
    }

    @Test
    void recordsItsDistributionOnceWithTheMembersSkipped() {
        CohortBoostGranted granted = new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "x", "manager", T0, Money.of("10"));
        List<SkippedMember> skipped = List.of(new SkippedMember("cy", "math", "past the cap"));
        fixture.given(granted).andGivenCurrentTime(T0.plusSeconds(1))
                .when(new RecordCohortBoostDistribution("b1", skipped))
                .expectEvents(new CohortBoostDistributed("b1", 2, skipped, T0.plusSeconds(1)));
        // a distribution resumed after a restart sends it again
        fixture.given(granted, new CohortBoostDistributed("b1", 2, skipped, T0.plusSeconds(1)))
                .when(new RecordCohortBoostDistribution("b1", skipped))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void refusesADistributionSkippingMoreMembersThanTheCohortHasOrWithAControlCharacter() {
        CohortBoostGranted granted = new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "x", "admin", T0);
        SkippedMember one = new SkippedMember("ann", "cs", "at the most boosts");
        fixture.given(granted)
                .when(new RecordCohortBoostDistribution("b1", List.of(one, one, one, one)))
                .expectException(CommandRefused.class).expectNoEvents();
        fixture.given(granted)
                .when(new RecordCohortBoostDistribution("b1", List.of(new SkippedMember("ann", "cs", "a\u0000b"))))
                .expectException(CommandRefused.class).expectNoEvents();
    }

    @Test
    void aListCohortGrantSentAgainWithOtherUsersIsAConflictAndATagCohortsMayHaveGained() {
        CohortBoostGranted byList = new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "x", "admin", T0);
        CohortBoostDistributed distributed = new CohortBoostDistributed("b1", 3, List.of(), T0.plusSeconds(1));
        fixture.given(byList, distributed).andGivenCurrentTime(T0)
                .when(new GrantCohortBoost("b1", List.of(MEMBERS.get(2), MEMBERS.get(0), MEMBERS.get(1)), "users",
                        Money.of("2"), T0, T0.plusSeconds(3600), "x", "admin"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(byList).andGivenCurrentTime(T0)
                .when(new GrantCohortBoost("b1", MEMBERS.subList(0, 2), "users", Money.of("2"), T0,
                        T0.plusSeconds(3600), "x", "admin"))
                .expectException(CommandRefused.class).expectExceptionMessage(
                        org.hamcrest.Matchers.containsString("already granted to other users"));
        CohortBoostGranted byTag = new CohortBoostGranted("b1", MEMBERS.subList(0, 2), "tag:course:cs101",
                Money.of("2"), T0, T0.plusSeconds(3600), "x", "admin", T0);
        fixture.given(byTag, new CohortBoostDistributed("b1", 2, List.of(), T0.plusSeconds(1))).andGivenCurrentTime(T0)
                .when(new GrantCohortBoost("b1", MEMBERS, "tag:course:cs101", Money.of("2"), T0,
                        T0.plusSeconds(3600), "x", "admin"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    /**
     * A cohort boost granted before distributions were recorded (a CohortBoostGranted of revision 1 or 2 and no
     * CohortBoostDistributed): a retry changes nothing for the members but records that it came, which the distributor
     * handles after the grant and confirms; with no distribution recorded by then, it was distributed without one.
     */
    @Test
    void aGrantSentAgainBeforeItsDistributionIsRecordedRecordsThatItCameAndGrantsNothing() {
        CohortBoostGranted granted = new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "x", "manager", T0, Money.of("10"));
        fixture.given(granted).andGivenCurrentTime(T0.plusSeconds(60))
                .when(new GrantCohortBoost("b1", List.of(MEMBERS.get(2), MEMBERS.get(1), MEMBERS.get(0)), "users",
                        Money.of("2"), T0.plusSeconds(60), T0.plusSeconds(3600), "x", "manager", Money.of("10")))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new CohortBoostGrantRepeated("b1", "manager", T0.plusSeconds(60)));
    }

    /** A client retrying in a loop asks the distributor once a minute, not once per retry: the stream stays bounded. */
    @Test
    void retriesBeforeTheDistributionIsRecordedAskTheDistributorAtMostOncePerInterval() {
        CohortBoostGranted granted = new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "x", "manager", T0, Money.of("10"));
        CohortBoostGrantRepeated asked = new CohortBoostGrantRepeated("b1", "manager", T0.plusSeconds(60));
        Instant withinTheInterval = T0.plusSeconds(60).plus(CohortBoost.REPEAT_ASKS_EVERY).minusMillis(1);
        fixture.given(granted, asked).andGivenCurrentTime(withinTheInterval)
                .when(new GrantCohortBoost("b1", MEMBERS, "users", Money.of("2"), withinTheInterval,
                        T0.plusSeconds(3600), "x", "admin"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        Instant afterIt = T0.plusSeconds(60).plus(CohortBoost.REPEAT_ASKS_EVERY);
        fixture.given(granted, asked).andGivenCurrentTime(afterIt)
                .when(new GrantCohortBoost("b1", MEMBERS, "users", Money.of("2"), afterIt, T0.plusSeconds(3600), "x",
                        "admin"))
                .expectEvents(new CohortBoostGrantRepeated("b1", "admin", afterIt));
    }

    @Test
    void aConfirmationWithoutADistributionRecordedRecordsItDistributedWithoutARecordOnce() {
        CohortBoostGranted granted = new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "x", "admin", T0);
        CohortBoostGrantRepeated repeated = new CohortBoostGrantRepeated("b1", "admin", T0.plusSeconds(60));
        fixture.given(granted, repeated).andGivenCurrentTime(T0.plusSeconds(61))
                .when(new ConfirmCohortBoostDistribution("b1"))
                .expectEvents(new CohortBoostDistributedWithoutRecord("b1", T0.plusSeconds(61)));

        CohortBoostDistributedWithoutRecord without = new CohortBoostDistributedWithoutRecord("b1",
                T0.plusSeconds(61));
        fixture.given(granted, repeated, without)
                .when(new ConfirmCohortBoostDistribution("b1"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        // distributed now: a retry records nothing, and a late record of the distribution changes nothing either
        fixture.given(granted, repeated, without).andGivenCurrentTime(T0.plusSeconds(90))
                .when(new GrantCohortBoost("b1", MEMBERS, "users", Money.of("2"), T0.plusSeconds(90),
                        T0.plusSeconds(3600), "x", "admin"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(granted, repeated, without)
                .when(new RecordCohortBoostDistribution("b1", List.of()))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    /** A retry during a distribution under way: the distributor records the distribution before it confirms it. */
    @Test
    void aConfirmationAfterTheDistributionWasRecordedChangesNothing() {
        fixture.given(new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0, T0.plusSeconds(3600), "x",
                                "admin", T0), new CohortBoostGrantRepeated("b1", "admin", T0.plusSeconds(1)),
                        new CohortBoostDistributed("b1", 2, List.of(new SkippedMember("cy", "math", "past the cap")),
                                T0.plusSeconds(2)))
                .when(new ConfirmCohortBoostDistribution("b1"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void aRevokedCohortBoostSentAgainIsAConflictAndRecordsNothingEvenWithoutADistribution() {
        fixture.given(new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0, T0.plusSeconds(3600), "x",
                        "admin", T0), new CohortBoostRevoked("b1", List.of("cs", "math"), "admin", "cancelled", T0))
                .andGivenCurrentTime(T0.plusSeconds(60))
                .when(new GrantCohortBoost("b1", MEMBERS, "users", Money.of("2"), T0, T0.plusSeconds(3600), "x",
                        "admin"))
                .expectException(CommandRefused.class).expectNoEvents();
    }

    /**
     * A retry once the boost is past its end: refused as a revoked one is, whatever its terms and whether or not its
     * distribution is recorded, as a team refuses its boost of one account once ended (nothing is brought back).
     */
    @Test
    void aCohortBoostSentAgainAfterItsEndIsAConflictAndRecordsNothing() {
        CohortBoostGranted granted = new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "x", "admin", T0);
        CohortBoostDistributed distributed = new CohortBoostDistributed("b1", 3, List.of(), T0.plusSeconds(1));
        GrantCohortBoost retry = new GrantCohortBoost("b1", MEMBERS, "users", Money.of("2"), T0, T0.plusSeconds(3600),
                "x", "admin");
        fixture.given(granted, distributed).andGivenCurrentTime(T0.plusSeconds(3600).plus(Duration.ofMinutes(5)))
                .when(retry)
                .expectException(conflict())
                .expectExceptionMessage("boost 'b1' has ended (revoked or expired): a boost id is granted once; grant "
                        + "a new boost with a new id")
                .expectNoEvents();
        // granted before distributions were recorded: no CohortBoostGrantRepeated either
        fixture.given(granted).andGivenCurrentTime(T0.plusSeconds(3600))
                .when(retry)
                .expectException(conflict())
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("has ended (revoked or expired)"))
                .expectNoEvents();
        // a moment before its end it is still a retry
        fixture.given(granted, distributed).andGivenCurrentTime(T0.plusSeconds(3599))
                .when(retry)
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    static Matcher<Throwable> conflict() {
        return new FeatureMatcher<>(org.hamcrest.Matchers.equalTo(CommandRefused.Reason.CONFLICT), "a refusal for",
                "reason") {
            @Override
            protected CommandRefused.Reason featureValueOf(Throwable actual) {
                return actual instanceof CommandRefused refused ? refused.reason() : null;
            }
        };
    }

    @Test
    void revokingNamesTheTeamsOnce() {
        fixture.given(new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0, T0.plusSeconds(3600), "x",
                        "admin", T0))
                .andGivenCurrentTime(T0)
                .when(new RevokeCohortBoost("b1", "admin", "cancelled"))
                .expectEvents(new CohortBoostRevoked("b1", List.of("cs", "math"), "admin", "cancelled", T0));
        fixture.given(new CohortBoostGranted("b1", MEMBERS, "users", Money.of("2"), T0, T0.plusSeconds(3600), "x",
                        "admin", T0), new CohortBoostRevoked("b1", List.of("cs", "math"), "admin", "cancelled", T0))
                .when(new RevokeCohortBoost("b1", "admin", "again"))
                .expectNoEvents();
    }

    @Test
    void refusesAnEmptyCohort() {
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(new GrantCohortBoost("b1", List.of(), "tag:nobody", Money.of("2"), T0, T0.plusSeconds(60), "x",
                        "admin"))
                .expectException(CommandRefused.class);
    }
}
