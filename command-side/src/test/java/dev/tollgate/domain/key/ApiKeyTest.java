package dev.tollgate.domain.key;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.key.ConfirmKeyTeam;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.key.KeyOfAnotherTeam;
import dev.tollgate.api.key.KeyRevoked;
import dev.tollgate.api.key.KeyRotated;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.keypolicy.KeyPolicyTerms;
import dev.tollgate.api.move.KeyMoved;
import dev.tollgate.api.move.MoveKey;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

class ApiKeyTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final String HASH = "a".repeat(64);
    /** A key policy any key fits. */
    static final KeyPolicyTerms ANY_KEY = new KeyPolicyTerms(100, null, List.of(), null, null);

    AggregateTestFixture<ApiKey> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ApiKey.class);
    }

    @Test
    void issuesATeamsKeyKnowingOnlyTheHashOfItsSecret() {
        fixture.givenNoPriorActivity()
                .andGivenCurrentTime(T0)
                .when(new IssueKey("k1", HASH, "tg-abcd", "tutor app", "cs", null, List.of("gpt-4o-mini"), null,
                        null, null, null, "admin"))
                .expectEvents(new KeyIssued("k1", HASH, "tg-abcd", "tutor app", "cs", null, List.of("gpt-4o-mini"),
                        null, null, null, null, "admin", T0));
    }

    @Test
    void aMembersKeyIsIssuedOnlyByTheirTeamWhichDecidesWhetherTheyAreAMember() {
        fixture.givenNoPriorActivity()
                .when(new IssueKey("k1", HASH, "tg-abcd", "laptop", "cs", "alice", List.of("gpt-4o-mini"), null,
                        null, null, null, "admin"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aKeyLivesAtMost400Days() {
        fixture.givenNoPriorActivity()
                .andGivenCurrentTime(T0)
                .when(new IssueKey("k1", HASH, "tg-abcd", "app", "cs", null, List.of(),
                        T0.plus(java.time.Duration.ofDays(400)).plusSeconds(1), null, null, null, "admin"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .andGivenCurrentTime(T0)
                .when(new IssueKey("k1", HASH, "tg-abcd", "app", "cs", null, List.of(),
                        T0.plus(java.time.Duration.ofDays(400)), null, null, null, "admin"))
                .expectEvents(new KeyIssued("k1", HASH, "tg-abcd", "app", "cs", null, List.of(),
                        T0.plus(java.time.Duration.ofDays(400)), null, null, null, "admin", T0));
    }

    @Test
    void refusesAnythingButAHash() {
        fixture.givenNoPriorActivity()
                .when(new IssueKey("k1", "tg-the-secret-itself", "tg-abcd", "x", "cs", null, null, null, null, null, null,
                        "admin"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void rotatingGivesANewSecretToTheSameKey() {
        KeyIssued issued = new KeyIssued("k1", HASH, "tg-abcd", "laptop", "cs", "alice", List.of(), null, null, null,
                null, "admin", T0);
        String newHash = "c".repeat(64);
        fixture.given(issued)
                .andGivenCurrentTime(T0)
                .when(new RotateKey("k1", null, newHash, "tg-wxyz", "admin", "leaked in a repository"))
                .expectEvents(new KeyRotated("k1", "cs", newHash, "tg-wxyz", "tg-abcd", "admin",
                        "leaked in a repository", T0));
        fixture.given(issued, new KeyRevoked("k1", "cs", "admin", "lost", T0))
                .when(new RotateKey("k1", null, newHash, "tg-wxyz", "admin", "too late"))
                .expectException(CommandRefused.class);
    }

    @Test
    void revokesOnceAndOnlyOnce() {
        KeyIssued issued = new KeyIssued("k1", HASH, "tg-abcd", "laptop", "cs", "alice", List.of(), null, null, null, null,
                "admin", T0);
        fixture.given(issued)
                .andGivenCurrentTime(T0)
                .when(new RevokeKey("k1", null, "admin", "lost laptop"))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", "lost laptop", T0));
        fixture.given(issued, new KeyRevoked("k1", "cs", "admin", "lost laptop", T0))
                .when(new RevokeKey("k1", null, "admin", "again"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aKeySomeoneElseIssuedAMemberIsRevokedWhenTheyMoveNotMoved() {
        KeyIssued byManager = new KeyIssued("k1", HASH, "tg-abcd", "laptop", "cs", "alice", List.of(), null, null,
                null, null, "cred_manager", T0);
        fixture.given(byManager)
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", ANY_KEY, 0))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", "issued to its owner by someone else in team 'cs': "
                        + "revoked when they moved to team 'math' (move move_1); only keys they made themselves "
                        + "follow them", T0));
        fixture.given(byManager, new KeyRevoked("k1", "cs", "admin", "moved", T0))
                .when(new MoveKey("k1", "math", "move_1", "admin", ANY_KEY, 0))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aKeyTheMemberMadeThemselvesFollowsThemToTheirNewTeam() {
        fixture.given(new KeyIssued("k1", HASH, "tg-abcd", "laptop", "cs", "alice", List.of(), null, null, null,
                        null, "sso:alice", T0))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", ANY_KEY, 0))
                .expectEvents(new KeyMoved("k1", "cs", "math", "alice", "move_1", "admin", T0));
    }

    // ------------------------------------------------------------------ the new team's key policy

    /** Team math's policy: one key each, at most 7 days, gpt-cheap only, at most 60 requests a minute. */
    static final KeyPolicyTerms STRICT = new KeyPolicyTerms(1, 7, List.of("gpt-cheap"), 60L, null);

    static KeyIssued madeByAlice(List<String> models, Instant expiresAt, KeyLimits limits) {
        return new KeyIssued("k1", HASH, "tg-abcd", "laptop", "cs", "alice", models, expiresAt, limits, null, null,
                "sso:alice", T0);
    }

    static String unfit(String why) {
        return "did not fit the key policy of team 'math' when its owner moved there (move move_1): " + why
                + "; revoked by the move: they make a new key within the policy";
    }

    @Test
    void aKeyTheNewTeamsKeyPolicyAllowsAsItIsFollowsItsOwner() {
        fixture.given(madeByAlice(List.of("gpt-cheap"), T0.plus(Duration.ofDays(7)), new KeyLimits(60L, null)))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 0))
                .expectEvents(new KeyMoved("k1", "cs", "math", "alice", "move_1", "admin", T0))
                .expectResultMessagePayload(true);
    }

    @Test
    void aKeyTheNewTeamsKeyPolicyWouldNotAllowIsRevokedByTheMoveSayingWhyNeverNarrowed() {
        fixture.given(madeByAlice(List.of(), null, null))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 0))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", unfit("it may use every model, the policy only "
                        + "gpt-cheap; it never expires, the policy's keys live at most 7 days; it has no request "
                        + "limit, the policy's is 60 a minute"), T0))
                .expectResultMessagePayload(false);
    }

    @Test
    void eachTermOfThePolicyIsMeasuredOnItsOwn() {
        KeyLimits withinRate = new KeyLimits(60L, null);
        fixture.given(madeByAlice(List.of("gpt-cheap", "gpt-test"), T0.plus(Duration.ofDays(7)), withinRate))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 0))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", unfit("it may use gpt-test, the policy only "
                        + "gpt-cheap"), T0));
        fixture.given(madeByAlice(List.of("gpt-cheap"), T0.plus(Duration.ofDays(7)).plusSeconds(1), withinRate))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 0))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", unfit("it expires at 2026-03-17T12:00:01Z, later "
                        + "than the policy's 7 days from the move"), T0));
        fixture.given(madeByAlice(List.of("gpt-cheap"), T0.plus(Duration.ofDays(1)), new KeyLimits(61L, 5L)))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 0))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", unfit("its request limit is 61 a minute, the "
                        + "policy's 60"), T0));
        KeyPolicyTerms tokens = new KeyPolicyTerms(3, null, List.of(), null, 1000L);
        fixture.given(madeByAlice(List.of(), null, new KeyLimits(null, 1001L)))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", tokens, 0))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", unfit("its token limit is 1001 a minute, the "
                        + "policy's 1000"), T0));
        fixture.given(madeByAlice(List.of(), null, new KeyLimits(null, 1000L)))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", tokens, 2))
                .expectEvents(new KeyMoved("k1", "cs", "math", "alice", "move_1", "admin", T0))
                .expectResultMessagePayload(true);
    }

    @Test
    void aKeyThatFitsIsRevokedWhenNewerKeysOfTheOwnerTookEveryKeyThePolicyAllows() {
        fixture.given(madeByAlice(List.of("gpt-cheap"), T0.plus(Duration.ofDays(2)), new KeyLimits(10L, null)))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 1))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", "team 'math' lets a member hold at most 1 key(s) "
                        + "and newer keys of its owner followed them there (move move_1): revoked by the move", T0))
                .expectResultMessagePayload(false);
    }

    @Test
    void anExpiredKeyFollowsAsHistoryWithoutTakingAKeyThePolicyAllows() {
        fixture.given(madeByAlice(List.of("gpt-cheap"), T0.minusSeconds(1), new KeyLimits(60L, null)))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 0))
                .expectEvents(new KeyMoved("k1", "cs", "math", "alice", "move_1", "admin", T0))
                .expectResultMessagePayload(false);
    }

    @Test
    void aRepeatedMoveAnswersWhatTheFirstDecidedAndRecordsNothing() {
        KeyIssued fits = madeByAlice(List.of("gpt-cheap"), T0.plus(Duration.ofDays(2)), new KeyLimits(10L, null));
        fixture.given(fits, new KeyMoved("k1", "cs", "math", "alice", "move_1", "admin", T0))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 0))
                .expectNoEvents()
                .expectResultMessagePayload(true);
        fixture.given(fits, new KeyRevoked("k1", "cs", "admin", "did not fit", T0))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin", STRICT, 0))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    // ------------------------------------------------------------------ the team the sender was allowed to act for

    static final String NEW_HASH = "c".repeat(64);
    /** A key alice made herself in team cs, then followed her to team math. */
    static final KeyIssued MADE_IN_CS = new KeyIssued("k1", HASH, "tg-abcd", "laptop", "cs", "alice", List.of(), null,
            null, null, null, "sso:alice", T0);
    static final KeyMoved MOVED_TO_MATH = new KeyMoved("k1", "cs", "math", "alice", "move_1", "admin", T0);

    @Test
    void refusesRotationByManagerOfAnotherTeam() {
        fixture.given(MADE_IN_CS)
                .when(new RotateKey("k1", "physics", NEW_HASH, "tg-wxyz", "cred_physics", "mine now"))
                .expectException(KeyOfAnotherTeam.class)
                .expectExceptionMessage("key 'k1' is not a key of team 'physics'")
                .expectNoEvents();
    }

    @Test
    void refusesRotationByManagerOfTheTeamItMovedFrom() {
        fixture.given(MADE_IN_CS, MOVED_TO_MATH)
                .when(new RotateKey("k1", "cs", NEW_HASH, "tg-wxyz", "cred_cs", "mine now"))
                .expectException(KeyOfAnotherTeam.class)
                .expectNoEvents();
    }

    @Test
    void rotatesForAManagerOfItsOwnTeamAndForAnAdmin() {
        fixture.given(MADE_IN_CS, MOVED_TO_MATH)
                .andGivenCurrentTime(T0)
                .when(new RotateKey("k1", "math", NEW_HASH, "tg-wxyz", "cred_math", "leaked"))
                .expectEvents(new KeyRotated("k1", "math", NEW_HASH, "tg-wxyz", "tg-abcd", "cred_math", "leaked", T0));
        fixture.given(MADE_IN_CS)
                .andGivenCurrentTime(T0)
                .when(new RotateKey("k1", "cs", NEW_HASH, "tg-wxyz", "cred_cs", "leaked"))
                .expectEvents(new KeyRotated("k1", "cs", NEW_HASH, "tg-wxyz", "tg-abcd", "cred_cs", "leaked", T0));
        fixture.given(MADE_IN_CS, MOVED_TO_MATH)
                .andGivenCurrentTime(T0)
                .when(new RotateKey("k1", null, NEW_HASH, "tg-wxyz", "master", "leaked"))
                .expectEvents(new KeyRotated("k1", "math", NEW_HASH, "tg-wxyz", "tg-abcd", "master", "leaked", T0));
    }

    @Test
    void refusesRevocationByManagerOfAnotherTeam() {
        fixture.given(MADE_IN_CS)
                .when(new RevokeKey("k1", "physics", "cred_physics", "not mine"))
                .expectException(KeyOfAnotherTeam.class)
                .expectNoEvents();
    }

    @Test
    void refusesRevocationByManagerOfTheTeamItMovedFrom() {
        fixture.given(MADE_IN_CS, MOVED_TO_MATH)
                .when(new RevokeKey("k1", "cs", "cred_cs", "not theirs any more"))
                .expectException(KeyOfAnotherTeam.class)
                .expectNoEvents();
    }

    @Test
    void refusesRevocationForAnotherTeamEvenWhenAlreadyRevoked() {
        // the answer says nothing of the key to a sender not allowed on it, not even that it is revoked
        fixture.given(MADE_IN_CS, MOVED_TO_MATH, new KeyRevoked("k1", "math", "cred_math", "lost", T0))
                .when(new RevokeKey("k1", "cs", "cred_cs", "again"))
                .expectException(KeyOfAnotherTeam.class)
                .expectNoEvents();
    }

    @Test
    void revokesForAManagerOfItsOwnTeamAndForAnAdmin() {
        fixture.given(MADE_IN_CS, MOVED_TO_MATH)
                .andGivenCurrentTime(T0)
                .when(new RevokeKey("k1", "math", "cred_math", "lost laptop"))
                .expectEvents(new KeyRevoked("k1", "math", "cred_math", "lost laptop", T0));
        fixture.given(MADE_IN_CS)
                .andGivenCurrentTime(T0)
                .when(new RevokeKey("k1", null, "master", "lost laptop"))
                .expectEvents(new KeyRevoked("k1", "cs", "master", "lost laptop", T0));
    }

    @Test
    void confirmsItsOwnTeamOnlyAndRecordsNothing() {
        fixture.given(MADE_IN_CS, MOVED_TO_MATH)
                .when(new ConfirmKeyTeam("k1", "math"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(MADE_IN_CS, MOVED_TO_MATH)
                .when(new ConfirmKeyTeam("k1", "cs"))
                .expectException(KeyOfAnotherTeam.class)
                .expectNoEvents();
        fixture.given(MADE_IN_CS)
                .when(new ConfirmKeyTeam("k1", null))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }
}
