package dev.tollgate.edge.sso;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member removed from their team keeps nothing that works: their portal sessions end with the removal, no key is
 * issued to them while they are not a member (the team decides, not a read model), and no key they held before,
 * nor one made while they were being removed, works again when they are re-admitted (by an admin, or at their next
 * sign-in).
 */
class RemovedMemberTest extends GatewayTestSupport {

    private SignedInBrowserless student(String team, String user) {
        return SignedInBrowserless.signIn(baseUrl(), "portal", user, List.of(team + "-students"));
    }

    @Test
    void aRemovedMembersSessionsEndAndTheirKeysStayRevokedWhenTheyAreReadmitted() {
        String team = newTeam("100", "5", "clamp");
        String user = unique("stu");
        SignedInBrowserless portal = student(team, user);
        Http.Response made = portal.post("/portal/api/keys", Map.of("name", "laptop"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String before = made.json().path("key").asText();
        assertThat(chat(before, "gpt-cheap", Map.of()).status()).isEqualTo(200);

        Http.Response removed = http().delete("/admin/users/" + user + "?reason=left", MASTER_KEY);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);

        assertThat(portal.get("/portal/api/me").status()).as("the session ended with the removal").isEqualTo(401);
        Http.Response afterRemoval = portal.post("/portal/api/keys", Map.of("name", "sneaky"));
        assertThat(afterRemoval.status()).as(afterRemoval.body()).isEqualTo(401);
        assertThat(chat(before, "gpt-cheap", Map.of()).status()).isEqualTo(401);

        Http.Response readmitted = http().post("/admin/users", MASTER_KEY, Map.of("id", user, "team_id", team));
        assertThat(readmitted.status()).as(readmitted.body()).isEqualTo(201);
        SignedInBrowserless again = student(team, user);
        assertThat(chat(before, "gpt-cheap", Map.of()).status()).as("a key of the earlier membership")
                .isEqualTo(401);
        Http.Response fresh = again.post("/portal/api/keys", Map.of("name", "new laptop"));
        assertThat(fresh.status()).as(fresh.body()).isEqualTo(201);
        assertThat(chat(fresh.json().path("key").asText(), "gpt-cheap", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void noKeyMadeWhileTheMemberIsBeingRemovedWorksAfterTheyAreReadmitted() throws Exception {
        String team = newTeam("100", "5", "clamp");
        assertThat(http().put("/admin/teams/" + team + "/key-policy", MASTER_KEY, Map.of("max_keys", 100,
                "reason", "many keys")).status()).isEqualTo(200);
        String user = unique("stu");
        SignedInBrowserless portal = student(team, user);
        ExecutorService pool = Executors.newFixedThreadPool(9);
        List<CompletableFuture<Http.Response>> making = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                int n = i;
                making.add(CompletableFuture.supplyAsync(() -> portal.post("/portal/api/keys",
                        Map.of("name", "k" + n)), pool));
            }
            CompletableFuture<Http.Response> removal = CompletableFuture.supplyAsync(() -> http()
                    .delete("/admin/users/" + user + "?reason=left", MASTER_KEY), pool);
            for (int i = 8; i < 16; i++) {
                int n = i;
                making.add(CompletableFuture.supplyAsync(() -> portal.post("/portal/api/keys",
                        Map.of("name", "k" + n)), pool));
            }
            assertThat(removal.get().status()).as(removal.get().body()).isEqualTo(200);
        } finally {
            pool.shutdown();
        }
        List<String> secrets = new ArrayList<>();
        for (CompletableFuture<Http.Response> made : making) {
            Http.Response response = made.get();
            assertThat(response.status()).as(response.body()).isIn(201, 401, 409);
            if (response.status() == 201) {
                secrets.add(response.json().path("key").asText());
            }
        }

        assertThat(http().post("/admin/users", MASTER_KEY, Map.of("id", user, "team_id", team)).status())
                .isEqualTo(201);
        for (String secret : secrets) {
            assertThat(chat(secret, "gpt-cheap", Map.of()).status()).as("a key made before the removal ended")
                    .isEqualTo(401);
        }
    }
}
