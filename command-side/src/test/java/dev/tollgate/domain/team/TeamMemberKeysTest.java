package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.IssueMemberKey;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.move.UserMoveStarted;
import dev.tollgate.api.team.MemberKeyIssued;
import dev.tollgate.api.team.RemoveUser;
import dev.tollgate.api.team.UserRemoved;
import dev.tollgate.domain.key.ApiKey;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositoryProvider;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.tollgate.domain.team.TeamSpendTest.T0;
import static dev.tollgate.domain.team.TeamSpendTest.alice;
import static dev.tollgate.domain.team.TeamSpendTest.monthly;
import static dev.tollgate.domain.team.TeamSpendTest.teamCreated;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member's key is issued by their team, which decides at that moment whether they are a live member; a member is
 * never removed while a key the team let them hold is still live (it would work again on their re-admission).
 */
class TeamMemberKeysTest {

    static final Budget TEAM = monthly("10");
    static final Budget MEMBER = monthly("1");
    static final String HASH = "a".repeat(64);

    AggregateTestFixture<Team> fixture;
    /** Where the keys the team creates are stored (the fixture's own store takes the team's events only). */
    EmbeddedEventStore keys;

    @BeforeEach
    void setUp() {
        fixture = TeamFixture.create();
        keys = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
        fixture.registerRepositoryProvider(new RepositoryProvider() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> Repository<T> repositoryFor(Class<T> aggregateType) {
                return (Repository<T>) EventSourcingRepository.builder(ApiKey.class).eventStore(keys).build();
            }
        });
    }

    private List<Object> keyEvents(String keyId) {
        return keys.readEvents(keyId).asStream().map(event -> (Object) event.getPayload()).toList();
    }

    static IssueKey key(String keyId, String userId, Instant expiresAt) {
        return new IssueKey(keyId, HASH, "tg-abcd", "laptop", "cs", userId, List.of(), expiresAt, null, null, null,
                "sso:" + userId);
    }

    static KeyIssued issued(String keyId, String userId, Instant expiresAt, Instant at) {
        return new KeyIssued(keyId, HASH, "tg-abcd", "laptop", "cs", userId, List.of(), expiresAt, null, null, null,
                "sso:" + userId, at);
    }

    static UserRemoved aliceRemoved() {
        return new UserRemoved("cs", "alice", "alice", "admin", "left", T0);
    }

    @Test
    void aLiveMemberGetsTheirKeyAndTheTeamRemembersIt() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .when(new IssueMemberKey("cs", key("k1", "alice", null)))
                .expectEvents(new MemberKeyIssued("cs", "alice", "k1", null, "sso:alice", T0));
        assertThat(keyEvents("k1")).containsExactly(issued("k1", "alice", null, T0));
    }

    @Test
    void aRemovedMemberOrSomeoneWhoNeverWasOneGetsNoKey() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), aliceRemoved())
                .andGivenCurrentTime(T0.plusSeconds(1))
                .when(new IssueMemberKey("cs", key("k1", "alice", null)))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("removed"))
                .expectNoEvents();
        assertThat(keyEvents("k1")).isEmpty();
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP))
                .when(new IssueMemberKey("cs", key("k1", "nobody", null)))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aMemberMovingToAnotherTeamGetsNoKeyHereAndAKeyOfAnotherTeamIsRefused() {
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER),
                        new UserMoveStarted("m1", "cs", "alice", "math", "alice", Set.of(), "admin", "x", T0))
                .andGivenCurrentTime(T0.plusSeconds(1))
                .when(new IssueMemberKey("cs", key("k1", "alice", null)))
                .expectException(CommandRefused.class)
                .expectNoEvents();
        IssueKey othersKey = new IssueKey("k1", HASH, "tg-abcd", "laptop", "math", "alice", List.of(), null, null,
                null, null, "admin");
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .when(new IssueMemberKey("cs", othersKey))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aMemberIsRemovedOnlyOnceEveryLiveKeyTheTeamLetThemHoldIsEnded() {
        MemberKeyIssued k1 = new MemberKeyIssued("cs", "alice", "k1", null, "sso:alice", T0.minusSeconds(60));
        MemberKeyIssued k2 = new MemberKeyIssued("cs", "alice", "k2", null, "sso:alice", T0.minusSeconds(30));
        MemberKeyIssued expired = new MemberKeyIssued("cs", "alice", "k3", T0.minusSeconds(1), "sso:alice",
                T0.minusSeconds(90));
        // k2 was issued while the sender revoked k1: the removal is refused, nothing recorded
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), expired, k1, k2)
                .andGivenCurrentTime(T0)
                .when(new RemoveUser("cs", "alice", "admin", "left", Set.of("k1")))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("k2"))
                .expectNoEvents();
        // every live key ended (the expired one needs nothing): removed
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), expired, k1, k2)
                .andGivenCurrentTime(T0)
                .when(new RemoveUser("cs", "alice", "admin", "left", Set.of("k1", "k2")))
                .expectEvents(aliceRemoved());
    }

    @Test
    void keysOfAnEarlierMembershipAreForgottenWithIt() {
        MemberKeyIssued k1 = new MemberKeyIssued("cs", "alice", "k1", null, "sso:alice", T0.minusSeconds(60));
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), k1, aliceRemoved(),
                        alice(MEMBER))
                .andGivenCurrentTime(T0.plusSeconds(10))
                .when(new RemoveUser("cs", "alice", "admin", "left again"))
                .expectEvents(new UserRemoved("cs", "alice", "alice", "admin", "left again", T0.plusSeconds(10)));
    }
    @Test
    void aBoundedIssueCountsWhatTheSenderSawLivePlusWhatTheTeamIssuedThatItHadNotSeen() {
        MemberKeyIssued k1 = new MemberKeyIssued("cs", "alice", "k1", null, "sso:alice", T0.minusSeconds(1));
        MemberKeyIssued expired = new MemberKeyIssued("cs", "alice", "k0", T0.minusSeconds(5), "sso:alice",
                T0.minusSeconds(60));
        // a parallel request issued k1 after the sender counted: with a bound of 1 this one is refused
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), expired, k1)
                .andGivenCurrentTime(T0)
                .when(new IssueMemberKey("cs", key("k2", "alice", null), 1, Set.of(), Set.of()))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("at most 1"))
                .expectNoEvents();
        assertThat(keyEvents("k2")).isEmpty();
        // the sender saw k1 revoked (and the expired one needs nothing): room for one
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), expired, k1)
                .andGivenCurrentTime(T0)
                .when(new IssueMemberKey("cs", key("k2", "alice", null), 1, Set.of("k1"), Set.of()))
                .expectEvents(new MemberKeyIssued("cs", "alice", "k2", null, "sso:alice", T0));
        // keys the team never issued (older ones, or moved here with the member) count as the sender saw them
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER))
                .andGivenCurrentTime(T0)
                .when(new IssueMemberKey("cs", key("k3", "alice", null), 2, Set.of("old1", "old2", "old3"),
                        Set.of("old1", "old2")))
                .expectException(CommandRefused.class)
                .expectNoEvents();
        // an admin's key is not bounded
        fixture.given(teamCreated(TEAM, MEMBER, OverBudgetPolicy.CLAMP), alice(MEMBER), k1)
                .andGivenCurrentTime(T0)
                .when(new IssueMemberKey("cs", key("k4", "alice", null)))
                .expectEvents(new MemberKeyIssued("cs", "alice", "k4", null, "sso:alice", T0));
    }
}
