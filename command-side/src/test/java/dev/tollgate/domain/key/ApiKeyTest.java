package dev.tollgate.domain.key;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.key.ConfirmKeyTeam;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.KeyOfAnotherTeam;
import dev.tollgate.api.key.KeyRevoked;
import dev.tollgate.api.key.KeyRotated;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.move.KeyMoved;
import dev.tollgate.api.move.MoveKey;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

class ApiKeyTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final String HASH = "a".repeat(64);

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
                .when(new MoveKey("k1", "math", "move_1", "admin"))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", "issued to its owner by someone else in team 'cs': "
                        + "revoked when they moved to team 'math' (move move_1); only keys they made themselves "
                        + "follow them", T0));
        fixture.given(byManager, new KeyRevoked("k1", "cs", "admin", "moved", T0))
                .when(new MoveKey("k1", "math", "move_1", "admin"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aKeyTheMemberMadeThemselvesFollowsThemToTheirNewTeam() {
        fixture.given(new KeyIssued("k1", HASH, "tg-abcd", "laptop", "cs", "alice", List.of(), null, null, null,
                        null, "sso:alice", T0))
                .andGivenCurrentTime(T0)
                .when(new MoveKey("k1", "math", "move_1", "admin"))
                .expectEvents(new KeyMoved("k1", "cs", "math", "alice", "move_1", "admin", T0));
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
