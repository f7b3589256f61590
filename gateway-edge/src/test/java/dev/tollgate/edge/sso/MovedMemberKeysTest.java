package dev.tollgate.edge.sso;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member moved to another team keeps the keys they made themselves in the portal (charged to the new team from
 * then on), but not the keys an admin or a manager of their old team issued them: those are revoked by the move, in
 * the audit trail with the reason, and refused from the moment the move is answered. The old team's manager keeps
 * authority over them; the new team never pays for a key its managers did not issue.
 */
class MovedMemberKeysTest extends GatewayTestSupport {

    @Test
    void keysIssuedByAnAdminOrManagerAreRevokedByTheMoveWhileKeysTheMemberMadeFollowThem() {
        String from = newTeam("100", "5", "clamp");
        String to = newTeam("100", "5", "clamp");
        String user = unique("stu");
        SignedInBrowserless portal = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(from + "-students"));
        String own = portal.makeKey("laptop").path("key").asText();

        Credential managerOfOld = newCredential("manager", List.of(from), null);
        Http.Response byManager = http().post("/admin/keys", managerOfOld.secret(),
                Map.of("name", "course key", "user_id", user));
        assertThat(byManager.status()).as(byManager.body()).isEqualTo(201);
        String managersKey = byManager.json().path("key").asText();
        String managersKeyId = byManager.json().path("id").asText();
        String adminsKey = newUserKey(user, List.of());
        for (String key : List.of(own, managersKey, adminsKey)) {
            assertThat(chat(key, "gpt-cheap", Map.of()).status()).isEqualTo(200);
        }

        Http.Response moved = http().post("/admin/users/" + user + "/move", MASTER_KEY,
                Map.of("to_team", to, "reason", "changed course"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);

        // right after the answer: the keys someone else issued are refused, the member's own key charges the new team
        Http.Response managers = chat(managersKey, "gpt-cheap", Map.of());
        assertThat(managers.status()).as("issued by the old team's manager: " + managers.body()).isEqualTo(401);
        assertThat(chat(adminsKey, "gpt-cheap", Map.of()).status()).as("issued by an admin").isEqualTo(401);
        Http.Response ownAfter = chat(own, "gpt-cheap", Map.of());
        assertThat(ownAfter.status()).as(ownAfter.body()).isEqualTo(200);
        assertThat(messageCost(ownAfter.header("x-request-id")).path("team_id").asText())
                .as("the key they made themselves charges their new team").isEqualTo(to);

        Http.Response key = http().get("/admin/keys/" + managersKeyId, MASTER_KEY);
        assertThat(key.json().path("team_id").asText()).as("it stays with the team that issued it").isEqualTo(from);
        await().untilAsserted(() -> assertThat(http().get("/audit?entity=key:" + managersKeyId, MASTER_KEY).json()
                .path("data").findValuesAsText("reason"))
                .anySatisfy(reason -> assertThat(reason).contains("revoked when they moved to team '" + to + "'")));
        assertThat(http().delete("/admin/keys/" + managersKeyId + "?reason=tidy", managerOfOld.secret()).status())
                .as("the old team's manager still has authority over it").isEqualTo(200);
    }
}
