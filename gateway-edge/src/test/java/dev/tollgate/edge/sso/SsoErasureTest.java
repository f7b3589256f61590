package dev.tollgate.edge.sso;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.PersonalDataSearch;
import dev.tollgate.edge.support.IdentityProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The name and email a student's identity provider gives at the first sign-in enter Tollgate only through the
 * registration command, sealed per person: once an admin erases the person, no table (the SSO ones included) and no
 * event payload holds them, and their sessions have ended. An admin (or the team's manager) ends a person's sessions
 * at once.
 */
class SsoErasureTest extends GatewayTestSupport {

    @Test
    void theNameAndEmailFromTheProviderAreSealedAndGoneAfterErasure() {
        String team = newTeam("100", "5", "clamp");
        String user = unique("stu");
        SignedInBrowserless portal = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(team + "-students"));
        List<String> personal = List.of(IdentityProvider.name(user), IdentityProvider.email(user));
        Http.Response registered = http().get("/admin/users/" + user, MASTER_KEY);
        assertThat(registered.json().path("name").asText()).isEqualTo(IdentityProvider.name(user));
        assertThat(registered.json().path("email").asText()).isEqualTo(IdentityProvider.email(user));
        assertThat(eventPayloadsHolding(personal)).as("sealed in the events").isEmpty();
        assertThat(portal.get("/portal/api/me").status()).isEqualTo(200);

        Http.Response erased = http().post("/admin/users/" + user + "/erase", MASTER_KEY,
                Map.of("reason", "art. 17"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(tablesHolding(personal)).isEmpty());

        // the erasure ended their session (it held the principal resolved from the provider's claims)
        assertThat(portal.get("/portal/api/me").status()).isEqualTo(401);

        SignedInBrowserless again = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(team + "-students"));
        assertThat(again.get("/portal/api/me").status()).isEqualTo(200);
        Credential otherManager = newCredential("manager", List.of(newTeam("1", "1", "clamp")), null);
        assertThat(http().delete("/admin/users/" + user + "/sessions", otherManager.secret()).status())
                .isEqualTo(403);
        Http.Response ended = http().delete("/admin/users/" + user + "/sessions", MASTER_KEY);
        assertThat(ended.status()).as(ended.body()).isEqualTo(200);
        assertThat(ended.json().path("ended").asInt()).isEqualTo(1);
        assertThat(again.get("/portal/api/me").status()).isEqualTo(401);
    }

    private List<String> tablesHolding(List<String> values) {
        return PersonalDataSearch.tablesHolding(dsl, values, "users", "sso_sessions", "sso_logins", "key_policies");
    }

    private List<String> eventPayloadsHolding(List<String> values) {
        return PersonalDataSearch.eventPayloadsHolding(dsl, values);
    }
}
