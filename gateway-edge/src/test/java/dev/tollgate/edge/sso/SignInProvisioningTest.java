package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.IdentityProvider;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a sign-in does to the person's membership: parallel first sign-ins all succeed
 * (the team registers them once).
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
}
