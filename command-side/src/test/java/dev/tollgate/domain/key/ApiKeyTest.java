package dev.tollgate.domain.key;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.KeyIssued;
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
                .when(new RotateKey("k1", newHash, "tg-wxyz", "admin", "leaked in a repository"))
                .expectEvents(new KeyRotated("k1", "cs", newHash, "tg-wxyz", "tg-abcd", "admin",
                        "leaked in a repository", T0));
        fixture.given(issued, new KeyRevoked("k1", "cs", "admin", "lost", T0))
                .when(new RotateKey("k1", newHash, "tg-wxyz", "admin", "too late"))
                .expectException(CommandRefused.class);
    }

    @Test
    void revokesOnceAndOnlyOnce() {
        KeyIssued issued = new KeyIssued("k1", HASH, "tg-abcd", "laptop", "cs", "alice", List.of(), null, null, null, null,
                "admin", T0);
        fixture.given(issued)
                .andGivenCurrentTime(T0)
                .when(new RevokeKey("k1", "admin", "lost laptop"))
                .expectEvents(new KeyRevoked("k1", "cs", "admin", "lost laptop", T0));
        fixture.given(issued, new KeyRevoked("k1", "cs", "admin", "lost laptop", T0))
                .when(new RevokeKey("k1", "admin", "again"))
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
}
