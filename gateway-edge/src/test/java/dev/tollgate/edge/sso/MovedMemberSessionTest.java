package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A portal session never acts for a team its member left: a move (an admin's, a roster's, or one their groups start
 * at a sign-in in another browser) ends the member's portal sessions of the old team, so they sign in again and get
 * their new team, where they see and revoke the keys that followed them.
 */
class MovedMemberSessionTest extends GatewayTestSupport {

    @Test
    void anAdminMoveEndsTheMembersPortalSessionAndTheirNextSignInActsForTheNewTeam() {
        String from = newTeam("100", "5", "clamp");
        String to = newTeam("100", "5", "clamp");
        String user = unique("stu");
        SignedInBrowserless before = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(from + "-students"));
        JsonNode key = before.makeKey("laptop");
        String keyId = key.path("id").asText();

        Http.Response moved = http().post("/admin/users/" + user + "/move", MASTER_KEY,
                Map.of("to_team", to, "reason", "changed course"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);

        Http.Response me = before.get("/portal/api/me");
        assertThat(me.status()).as("the session of the old team ended with the move: " + me.body()).isEqualTo(401);
        assertThat(before.get("/portal/api/keys").status()).isEqualTo(401);
        assertThat(before.delete("/portal/api/keys/" + keyId).status()).isEqualTo(401);

        SignedInBrowserless after = SignedInBrowserless.signIn(baseUrl(), "portal", user, List.of(to + "-students"));
        assertThat(after.get("/portal/api/me").json().path("team_id").asText()).isEqualTo(to);
        assertThat(after.get("/portal/api/keys").json().findValuesAsText("id")).contains(keyId);
        assertThat(chat(key.path("key").asText(), "gpt-cheap", Map.of()).status()).isEqualTo(200);
        Http.Response revoked = after.delete("/portal/api/keys/" + keyId);
        assertThat(revoked.status()).as("the member revokes the key that followed them: " + revoked.body())
                .isEqualTo(200);
        assertThat(chat(key.path("key").asText(), "gpt-cheap", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void aMoveStartedByTheGroupsAtASignInEndsTheSessionInAnotherBrowserButNotTheNewOne() {
        String from = newTeam("100", "5", "clamp");
        String to = newTeam("100", "5", "clamp");
        String user = unique("stu");
        SignedInBrowserless laptop = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(from + "-students"));
        String keyId = laptop.makeKey("laptop").path("id").asText();

        SignedInBrowserless phone = SignedInBrowserless.signIn(baseUrl(), "portal", user, List.of(to + "-students"));

        assertThat(phone.get("/portal/api/me").json().path("team_id").asText())
                .as("the sign-in that moved them").isEqualTo(to);
        assertThat(laptop.get("/portal/api/me").status()).as("the session of the old team").isEqualTo(401);
        assertThat(phone.delete("/portal/api/keys/" + keyId).status()).isEqualTo(200);
    }
}
