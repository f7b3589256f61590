package dev.tollgate.domain.identity;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.identity.ConfirmIdentity;
import dev.tollgate.api.identity.IdentityLink;
import dev.tollgate.api.identity.IdentityLinked;
import dev.tollgate.api.identity.LinkIdentity;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.containsString;

/** A user id is linked to the first identity that signs in with it, a member's or a staff member's, and only to it. */
class IdentityTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final String ISSUER = "https://idp.example";
    static final String ID = LinkIdentity.identityId("ann");

    AggregateTestFixture<Identity> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Identity.class);
    }

    private static LinkIdentity link(String subject, String teamId) {
        return new LinkIdentity(ID, "ann", ISSUER, subject, teamId, teamId == null ? Set.of() : Set.of("course:cs"),
                Map.of(teamId == null ? "role:admin" : "team:" + teamId, "some-group"), "sso:ann");
    }

    private static IdentityLinked linked(String subject, String teamId) {
        LinkIdentity command = link(subject, teamId);
        return new IdentityLinked(ID, "ann", ISSUER, subject, teamId, command.tags(), command.decidingClaims(),
                "sso:ann", T0);
    }

    @Test
    void aStaffSignInPlacingNoOneInATeamLinksTheUserId() {
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(link("sub-1", null))
                .expectSuccessfulHandlerExecution()
                .expectEvents(linked("sub-1", null));
    }

    @Test
    void anotherIdentityIsRefusedTheUserIdOfAStaffMemberAsOfAMember() {
        fixture.given(linked("sub-1", null))
                .when(link("sub-2", "cs"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(containsString("belongs to another identity"));
        fixture.given(linked("sub-1", "cs"))
                .when(link("sub-2", null))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(containsString("belongs to another identity"));
    }

    @Test
    void theSameIdentitySigningInAgainChangesNothing() {
        fixture.given(linked("sub-1", null))
                .when(link("sub-1", "cs"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aLinkAnswersWhetherTheUserIdWasLinkedAtASignInThatPlacedThemInATeam() {
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(link("sub-1", "cs"))
                .expectResultMessagePayload(new IdentityLink("ann", true));
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(link("sub-1", null))
                .expectResultMessagePayload(new IdentityLink("ann", false));
        fixture.given(linked("sub-1", "cs"))
                .when(link("sub-1", null))
                .expectResultMessagePayload(new IdentityLink("ann", true))
                .expectNoEvents();
        fixture.given(linked("sub-1", null))
                .when(link("sub-1", "cs"))
                .expectResultMessagePayload(new IdentityLink("ann", false))
                .expectNoEvents();
    }

    @Test
    void aConfirmationAnswersForTheLinkedIdentityRefusesAnotherAndLinksNothing() {
        fixture.given(linked("sub-1", "cs"))
                .when(new ConfirmIdentity(ID, "ann", ISSUER, "sub-1"))
                .expectResultMessagePayload(new IdentityLink("ann", true))
                .expectNoEvents();
        fixture.given(linked("sub-1", "cs"))
                .when(new ConfirmIdentity(ID, "ann", ISSUER, "sub-2"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(containsString("belongs to another identity"));
        fixture.givenNoPriorActivity()
                .when(new ConfirmIdentity(ID, "ann", ISSUER, "sub-1"))
                .expectException(AggregateNotFoundException.class)
                .expectNoEvents();
    }
}
