package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.IdentityProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a sign-in does to the person's membership: parallel first sign-ins all succeed (the team registers them once);
 * a staff member's sign-in to the admin UI is not refused because their groups also match a student rule that cannot
 * place them; a member Tollgate provisioned whose groups place them in no team any more leaves it at that sign-in
 * (their sessions end, their keys stop working), but not someone an admin made a member who signs in as staff.
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

    @Test
    void aMemberWhoseGroupsPlaceThemInNoTeamAnyMoreLeavesItTheirSessionsEndAndTheirKeysStopWorking() {
        String team = newTeam("100", "5", "clamp");
        String gus = unique("gus");
        SignedInBrowserless portal = SignedInBrowserless.signIn(baseUrl(), "portal", gus, List.of(team + "-students"));
        String key = portal.makeKey("laptop").path("key").asText();
        assertThat(chat(key, "gpt-cheap", Map.of()).status()).isEqualTo(200);

        IdentityProvider.SignIn claimed = IdentityProvider.signIn(baseUrl(), "portal", unique("mallory"),
                List.of("library-users"), Map.of("preferred_username", gus));
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(403);
        assertThat(portal.get("/portal/api/me").status()).as("another identity changes nothing").isEqualTo(200);
        assertThat(chat(key, "gpt-cheap", Map.of()).status()).isEqualTo(200);

        IdentityProvider.SignIn left = IdentityProvider.signIn(baseUrl(), "portal", gus, List.of("library-users"));

        assertThat(left.status()).as(left.body()).isEqualTo(403);
        assertThat(left.body()).contains("none of your groups gives access");
        assertThat(left.sessionCookie()).isNull();
        assertThat(portal.get("/portal/api/me").status()).as("their portal session ended").isEqualTo(401);
        assertThat(chat(key, "gpt-cheap", Map.of()).status()).as("their key").isEqualTo(401);
        assertThat(http().get("/admin/users/" + gus, MASTER_KEY).json().path("removed_at").isNull()).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(http()
                .get("/audit?entity_id=" + gus + "&limit=100", MASTER_KEY).json().path("data"))
                .anySatisfy(entry -> {
                    assertThat(entry.path("action").asText()).isEqualTo("user.removed");
                    assertThat(entry.path("actor").asText()).isEqualTo("sso:" + gus);
                    assertThat(entry.path("reason").asText()).contains("no group of theirs maps to a team");
                }));

        SignedInBrowserless back = SignedInBrowserless.signIn(baseUrl(), "portal", gus, List.of(team + "-students"));
        assertThat(back.get("/portal/api/me").status()).as("re-admitted at their next sign-in").isEqualTo(200);
        assertThat(chat(key, "gpt-cheap", Map.of()).status()).as("a key of the earlier membership").isEqualTo(401);
    }

    @Test
    void aMemberWhoseGroupsNowGiveOnlyAStaffRoleLeavesTheirTeamAndSignsInAsStaff() {
        String team = newTeam("100", "5", "clamp");
        String other = newTeam("100", "5", "clamp");
        String gus = unique("gus");
        SignedInBrowserless portal = SignedInBrowserless.signIn(baseUrl(), "portal", gus, List.of(team + "-students"));
        String key = portal.makeKey("laptop").path("key").asText();

        IdentityProvider.SignIn asStaff = IdentityProvider.signIn(baseUrl(), "ui", gus,
                List.of("course-staff:" + other));

        assertThat(asStaff.status()).as(asStaff.body()).isEqualTo(302);
        assertThat(session(asStaff).path("role").asText()).isEqualTo("manager");
        assertThat(portal.get("/portal/api/me").status()).isEqualTo(401);
        assertThat(chat(key, "gpt-cheap", Map.of()).status()).isEqualTo(401);
        assertThat(http().get("/admin/users/" + gus, MASTER_KEY).json().path("removed_at").isNull()).isFalse();
    }

    @Test
    void someoneAnAdminMadeAMemberStaysOneWhenTheySignInAsStaff() {
        String team = newTeam("100", "5", "clamp");
        String tina = unique("tina");
        assertThat(http().post("/admin/users", MASTER_KEY, Map.of("id", tina, "team_id", team)).status())
                .isEqualTo(201);
        String key = newUserKey(tina, List.of());

        for (int i = 0; i < 2; i++) {
            IdentityProvider.SignIn asStaff = IdentityProvider.signIn(baseUrl(), "ui", tina,
                    List.of("course-staff:" + team));
            assertThat(asStaff.status()).as(asStaff.body()).isEqualTo(302);
        }
        IdentityProvider.SignIn toThePortal = IdentityProvider.signIn(baseUrl(), "portal", tina,
                List.of("course-staff:" + team));

        assertThat(toThePortal.status()).as(toThePortal.body()).isEqualTo(403);
        assertThat(http().get("/admin/users/" + tina, MASTER_KEY).json().path("removed_at").isNull()).isTrue();
        assertThat(chat(key, "gpt-cheap", Map.of()).status()).isEqualTo(200);
    }

    private JsonNode session(IdentityProvider.SignIn signedIn) {
        return new SignedInBrowserless(http(), signedIn.sessionCookie(), null).get("/sso/session").json();
    }
}
