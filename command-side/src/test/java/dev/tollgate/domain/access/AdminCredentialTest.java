package dev.tollgate.domain.access;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.access.ChangeCredentialScope;
import dev.tollgate.api.access.CredentialIssued;
import dev.tollgate.api.access.CredentialRevoked;
import dev.tollgate.api.access.CredentialScopeChanged;
import dev.tollgate.api.access.IssueCredential;
import dev.tollgate.api.access.RevokeCredential;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.money.Money;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

class AdminCredentialTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final String HASH = "b".repeat(64);

    AggregateTestFixture<AdminCredential> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(AdminCredential.class);
    }

    @Test
    void issuesAManagerOfSomeTeamsWithACap() {
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(new IssueCredential("c1", HASH, "tga-xyz", "Dr. Ada", Role.MANAGER, Set.of("cs101"),
                        Money.of("500"), "master", "course lead"))
                .expectEvents(new CredentialIssued("c1", HASH, "tga-xyz", "Dr. Ada", Role.MANAGER, Set.of("cs101"),
                        Money.of("500"), "master", "course lead", T0));
    }

    @Test
    void aManagerNeedsTeamsAndOnlyAManagerHasThem() {
        fixture.givenNoPriorActivity()
                .when(new IssueCredential("c1", HASH, "p", "x", Role.MANAGER, Set.of(), null, "master", null))
                .expectException(CommandRefused.class);
        fixture.givenNoPriorActivity()
                .when(new IssueCredential("c1", HASH, "p", "x", Role.FINANCE, Set.of("cs101"), null, "master", null))
                .expectException(CommandRefused.class);
    }

    @Test
    void aChangeOfRoleRecordsTheOldOne() {
        fixture.given(new CredentialIssued("c1", HASH, "p", "x", Role.FINANCE, Set.of(), null, "master", null, T0))
                .andGivenCurrentTime(T0)
                .when(new ChangeCredentialScope("c1", Role.MANAGER, Set.of("math"), null, "master", "new job"))
                .expectEvents(new CredentialScopeChanged("c1", Role.MANAGER, Set.of("math"), null, Role.FINANCE,
                        Set.of(), "master", "new job", T0));
    }

    @Test
    void revokesOnce() {
        fixture.given(new CredentialIssued("c1", HASH, "p", "x", Role.ADMIN, Set.of(), null, "master", null, T0))
                .andGivenCurrentTime(T0)
                .when(new RevokeCredential("c1", "master", "left"))
                .expectEvents(new CredentialRevoked("c1", "master", "left", T0));
    }
}
