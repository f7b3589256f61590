package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.IdentityProvider;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a sign-in does to the person's membership: parallel first sign-ins all succeed (the team registers them once);
 * a staff member's sign-in to the admin UI is not refused because their groups also match a student rule that cannot
 * place them.
 */
class SignInProvisioningTest extends GatewayTestSupport {

    @Test
    void parallelFirstSignInsOfTheSamePersonAllSucceedAndRegisterThemInTheirTeam() throws Exception {
        String team = newTeam("100", "5", "clamp");
        String user = unique("hank");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<CompletableFuture<IdentityProvider.SignIn>> signIns = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                signIns.add(CompletableFuture.supplyAsync(() -> IdentityProvider.signIn(baseUrl(), "portal", user,
                        List.of(team + "-students")), pool));
            }
            for (CompletableFuture<IdentityProvider.SignIn> signIn : signIns) {
                IdentityProvider.SignIn answer = signIn.get();
                assertThat(answer.status()).as(answer.body()).isEqualTo(302);
                assertThat(answer.location()).isEqualTo("/portal/");
                assertThat(answer.sessionCookie()).isNotNull();
            }
        } finally {
            pool.shutdown();
        }

        JsonNode registered = http().get("/admin/users/" + user, MASTER_KEY).json();
        assertThat(registered.path("team_id").asText()).isEqualTo(team);
        assertThat(registered.path("tags")).extracting(JsonNode::asText).containsExactly("course:" + team);
    }

    @Test
    void aStaffSignInToTheAdminUiSucceedsWhenAStudentRuleTheirGroupsAlsoMatchCannotPlaceThem() {
        String team = newTeam("100", "5", "clamp");
        String tutor = unique("tina");
        String admin = unique("root");
        List<String> tutorGroups = List.of("course-staff:" + team, unique("nocourse") + "-students");
        List<String> adminGroups = List.of("llm-admins", unique("phd") + "-students");

        IdentityProvider.SignIn asTutor = IdentityProvider.signIn(baseUrl(), "ui", tutor, tutorGroups);
        IdentityProvider.SignIn asAdmin = IdentityProvider.signIn(baseUrl(), "ui", admin, adminGroups);

        assertThat(asTutor.status()).as(asTutor.body()).isEqualTo(302);
        assertThat(asTutor.location()).isEqualTo("/ui/");
        JsonNode tutorSession = session(asTutor);
        assertThat(tutorSession.path("user_id").asText()).isEqualTo(tutor);
        assertThat(tutorSession.path("role").asText()).isEqualTo("manager");
        assertThat(tutorSession.path("teams")).extracting(JsonNode::asText).containsExactly(team);
        assertThat(tutorSession.path("team_id").isNull()).as("no membership").isTrue();
        assertThat(asAdmin.status()).as(asAdmin.body()).isEqualTo(302);
        assertThat(session(asAdmin).path("role").asText()).isEqualTo("admin");
        assertThat(http().get("/admin/users/" + tutor, MASTER_KEY).status()).isEqualTo(404);

        IdentityProvider.SignIn toThePortal = IdentityProvider.signIn(baseUrl(), "portal", tutor, tutorGroups);
        assertThat(toThePortal.status()).as("the portal needs the membership").isEqualTo(409);
        assertThat(toThePortal.body()).contains("Your course is not set up yet");
        IdentityProvider.SignIn claimed = IdentityProvider.signIn(baseUrl(), "ui", unique("mallory"), tutorGroups,
                Map.of("preferred_username", tutor));
        assertThat(claimed.status()).as("the user id stays bound to its identity").isEqualTo(403);
        assertThat(claimed.body()).contains("belongs to another identity");
    }

    private JsonNode session(IdentityProvider.SignIn signedIn) {
        return new SignedInBrowserless(http(), signedIn.sessionCookie(), null).get("/sso/session").json();
    }
}
