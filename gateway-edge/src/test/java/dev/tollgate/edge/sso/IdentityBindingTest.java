package dev.tollgate.edge.sso;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.IdentityProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user id belongs to the identity (issuer and subject) that first signed in with it, whatever the sign-in leads to:
 * another identity claiming the same user id is refused at a staff sign-in as at a member's, and gets no session.
 */
class IdentityBindingTest extends GatewayTestSupport {

    /** A sign-in as {@code subject} whose user-id claim says {@code userId}. */
    private IdentityProvider.SignIn signInAs(String subject, String userId, String to, List<String> groups) {
        return IdentityProvider.signIn(baseUrl(), to, subject, groups, Map.of("preferred_username", userId));
    }

    @Test
    void anotherIdentityClaimingAMembersUserIdIsRefusedAtAStaffSignInAsAtAMembersSignIn() {
        String team = newTeam("100", "5", "clamp");
        String other = newTeam("100", "5", "clamp");
        String alice = unique("alice");
        assertThat(IdentityProvider.signIn(baseUrl(), "portal", alice, List.of(team + "-students")).status())
                .isEqualTo(302);
        String mallory = unique("mallory");

        IdentityProvider.SignIn asStudent = signInAs(mallory, alice, "portal", List.of(team + "-students"));
        IdentityProvider.SignIn asStaff = signInAs(mallory, alice, "ui", List.of("course-staff:" + other));
        IdentityProvider.SignIn asAdmin = signInAs(mallory, alice, "ui", List.of("llm-admins"));

        for (IdentityProvider.SignIn refused : List.of(asStudent, asStaff, asAdmin)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("belongs to another identity");
            assertThat(refused.sessionCookie()).isNull();
        }
    }

    @Test
    void aStaffUserIdIsBoundToItsFirstIdentityAndAnotherIdentityClaimingItIsRefused() {
        String team = newTeam("100", "5", "clamp");
        String tutor = unique("tutor");
        IdentityProvider.SignIn first = IdentityProvider.signIn(baseUrl(), "ui", tutor,
                List.of("course-staff:" + team));
        assertThat(first.status()).as(first.body()).isEqualTo(302);

        IdentityProvider.SignIn again = IdentityProvider.signIn(baseUrl(), "ui", tutor,
                List.of("course-staff:" + team));
        IdentityProvider.SignIn claimed = signInAs(unique("mallory"), tutor, "ui", List.of("llm-admins"));

        assertThat(again.status()).as("the same identity, again").isEqualTo(302);
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(403);
        assertThat(claimed.body()).contains("belongs to another identity");
        assertThat(claimed.sessionCookie()).isNull();
    }
}
