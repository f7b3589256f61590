package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A key a member made themselves follows them to a new team only if that team's key policy would allow it as it is
 * (its models, its expiry counted from the move, its rate limits, and at most the policy's number of keys: the newest
 * that fit). Any other is revoked by the move with the reason, never narrowed silently: the member makes a new key
 * within the policy.
 */
class MovedKeysKeyPolicyTest extends GatewayTestSupport {

    @Test
    void keysFollowTheirOwnerIntoATeamWithAStrictKeyPolicyOnlyWhenThePolicyAllowsThemAsTheyAre() {
        String from = newTeam("100", "5", "clamp"); // the default key policy: 3 keys, 90 days, every model
        String to = newTeam("100", "5", "clamp");
        Http.Response strict = http().put("/admin/teams/" + to + "/key-policy", MASTER_KEY, Map.of("max_keys", 1,
                "max_expiry_days", 7, "allowed_models", List.of("gpt-cheap"), "reason", "strict"));
        assertThat(strict.status()).as(strict.body()).isEqualTo(200);
        String user = unique("stu");
        SignedInBrowserless portal = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(from + "-students"));
        JsonNode olderFit = portal.post("/portal/api/keys", Map.of("name", "older", "expires_in_days", 7,
                "allowed_models", List.of("gpt-cheap"))).json();
        JsonNode permissive = portal.makeKey("every model, 90 days");
        JsonNode newerFit = portal.post("/portal/api/keys", Map.of("name", "newer", "expires_in_days", 5,
                "allowed_models", List.of("gpt-cheap"))).json();
        assertThat(chat(permissive.path("key").asText(), "gpt-test", Map.of()).status()).isEqualTo(200);

        Http.Response moved = http().post("/admin/users/" + user + "/move", MASTER_KEY,
                Map.of("to_team", to, "reason", "changed course"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);

        Http.Response wide = chat(permissive.path("key").asText(), "gpt-test", Map.of());
        assertThat(wide.status()).as("the permissive key, right after the move: " + wide.body()).isEqualTo(401);
        JsonNode wideView = http().get("/admin/keys/" + permissive.path("id").asText(), MASTER_KEY).json();
        assertThat(wideView.path("revoked_at").isNull()).isFalse();
        assertThat(wideView.path("revoke_reason").asText())
                .contains("did not fit the key policy of team '" + to + "'", "every model",
                        "later than the policy's 7 days from the move");
        assertThat(wideView.path("allowed_models")).as("never narrowed").isEmpty();
        await().untilAsserted(() -> assertThat(http().get("/audit?entity=key:" + permissive.path("id").asText(),
                MASTER_KEY).json().path("data").findValuesAsText("reason"))
                .anySatisfy(reason -> assertThat(reason).contains("did not fit the key policy of team '" + to + "'")));

        assertThat(chat(olderFit.path("key").asText(), "gpt-cheap", Map.of()).status())
                .as("fits, but the policy allows one key and a newer one followed").isEqualTo(401);
        assertThat(http().get("/admin/keys/" + olderFit.path("id").asText(), MASTER_KEY).json()
                .path("revoke_reason").asText()).contains("at most 1 key(s)");

        Http.Response kept = chat(newerFit.path("key").asText(), "gpt-cheap", Map.of());
        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(messageCost(kept.header("x-request-id")).path("team_id").asText()).isEqualTo(to);
        JsonNode keptView = http().get("/admin/keys/" + newerFit.path("id").asText(), MASTER_KEY).json();
        assertThat(keptView.path("team_id").asText()).isEqualTo(to);
        assertThat(keptView.path("revoked_at").isNull()).isTrue();
    }
}
