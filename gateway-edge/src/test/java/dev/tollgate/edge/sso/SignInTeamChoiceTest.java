package dev.tollgate.edge.sso;

import dev.tollgate.edge.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person whose groups place them in several teams is placed in one, and the order in which the identity provider
 * lists the groups does not change which: the team they are a member of stays theirs while their groups still give
 * it, so signing in again with the same groups in another order never moves them.
 */
class SignInTeamChoiceTest extends GatewayTestSupport {

    @Test
    void aMemberWhoseGroupsGiveTwoTeamsStaysInTheirTeamWhateverOrderTheGroupsComeIn() {
        String first = newTeam("100", "5", "reject");
        String second = newTeam("100", "5", "reject");
        String user = unique("stu");
        SignedInBrowserless joined = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(first + "-students"));
        assertThat(joined.get("/portal/api/me").json().path("team_id").asText()).isEqualTo(first);

        for (List<String> groups : List.of(List.of(second + "-students", first + "-students"),
                List.of(first + "-students", second + "-students"))) {
            SignedInBrowserless portal = SignedInBrowserless.signIn(baseUrl(), "portal", user, groups);

            assertThat(portal.get("/portal/api/me").json().path("team_id").asText()).as("groups " + groups)
                    .isEqualTo(first);
        }
    }
}
