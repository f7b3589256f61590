package dev.tollgate.edge.governance;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.IdentityProvider;
import dev.tollgate.projection.access.AccessProjection;
import dev.tollgate.projection.alert.WebhookOutbox;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key's row is written with the event that issues or revokes it, or the command fails: a key lives at most 400
 * days (an expiry the read model cannot store is refused up front), and a row that cannot be written fails the
 * command instead of being logged while the event commits (an issued key that never works and a false "the change
 * was recorded", or a recorded revocation whose key still answers).
 */
class KeyRowsTest extends GatewayTestSupport {

    @Autowired
    Configuration axon;

    @Test
    void aKeyLivesAtMost400DaysInThePortalAndFromAnAdmin() {
        String team = newTeam("100", "5", "clamp");
        // a key policy without max_expiry_days: nothing but the bound limits the portal's expires_in_days
        assertThat(http().put("/admin/teams/" + team + "/key-policy", MASTER_KEY, Map.of("max_keys", 5,
                "reason", "no expiry bound")).status()).isEqualTo(200);
        String user = unique("stu");
        IdentityProvider.SignIn signedIn = IdentityProvider.signIn(baseUrl(), "portal", user,
                List.of(team + "-students"));
        Http.Response session = http().send(http().request("/sso/session", null)
                .header("Cookie", "tollgate_session=" + signedIn.sessionCookie()).GET().build());
        String csrf = session.json().path("csrf_token").asText();

        Http.Response far = portalPost(signedIn.sessionCookie(), csrf,
                "{\"name\":\"far\",\"expires_in_days\":2000000000}");
        assertThat(far.status()).as(far.body()).isEqualTo(400);
        assertThat(far.json().path("error").path("param").asText()).isEqualTo("expires_in_days");
        assertThat(far.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(far.body()).contains("1 to 400");
        assertThat(portalPost(signedIn.sessionCookie(), csrf, "{\"name\":\"k\",\"expires_in_days\":401}").status())
                .isEqualTo(400);
        Http.Response longest = portalPost(signedIn.sessionCookie(), csrf,
                "{\"name\":\"year\",\"expires_in_days\":400}");
        assertThat(longest.status()).as(longest.body()).isEqualTo(201);

        Http.Response admin = http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user, "name", "far",
                "expires_at", Instant.now().plus(Duration.ofDays(401)).toString()));
        assertThat(admin.status()).as(admin.body()).isEqualTo(400);
        assertThat(admin.json().path("error").path("param").asText()).isEqualTo("expires_at");
        Http.Response beyondTimestamps = http().post("/admin/keys", MASTER_KEY, Map.of("user_id", user,
                "name", "far", "expires_at", "+300000-01-01T00:00:00Z"));
        assertThat(beyondTimestamps.status()).as(beyondTimestamps.body()).isEqualTo(400);
        assertThat(beyondTimestamps.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(http().post("/admin/keys", MASTER_KEY, Map.of("team_id", team, "name", "year",
                "expires_at", Instant.now().plus(Duration.ofDays(399)).toString())).status()).isEqualTo(201);
    }

    @Test
    void aKeyRowThatCannotBeWrittenFailsTheIssueOrTheRevocation() {
        assertThat(axon.eventProcessingConfiguration()
                .listenerInvocationErrorHandler(AccessProjection.PROCESSING_GROUP))
                .isSameAs(PropagatingErrorHandler.instance());
        assertThat(axon.eventProcessingConfiguration().listenerInvocationErrorHandler(WebhookOutbox.PROCESSING_GROUP))
                .isSameAs(PropagatingErrorHandler.instance());

        String team = newTeam("100", "5", "clamp");
        String unwritable = unique("unwritable");
        dsl.execute("CREATE OR REPLACE FUNCTION refuse_" + unwritable.replace('-', '_') + "() RETURNS trigger AS $$ "
                + "BEGIN IF NEW.name = '" + unwritable + "' OR NEW.revoke_reason = '" + unwritable + "' THEN "
                + "RAISE EXCEPTION 'row refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        dsl.execute("CREATE TRIGGER refuse_" + unwritable.replace('-', '_') + " BEFORE INSERT OR UPDATE ON api_keys "
                + "FOR EACH ROW EXECUTE FUNCTION refuse_" + unwritable.replace('-', '_') + "()");
        try {
            Http.Response issued = http().post("/admin/keys", MASTER_KEY, Map.of("team_id", team,
                    "name", unwritable));
            assertThat(issued.status()).as(issued.body()).isEqualTo(500);
            assertThat(issued.body()).doesNotContain("row refused", "api_keys");
            assertThat(storedEvents("KeyIssued", unwritable)).as("no key issued without its row").isZero();

            var key = issue(Map.of("team_id", team, "name", "team key"));
            String secret = key.path("key").asText();
            String keyId = key.path("id").asText();
            Http.Response revoked = http().delete("/admin/keys/" + keyId + "?reason=" + unwritable, MASTER_KEY);
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(500);
            assertThat(storedEvents("KeyRevoked", unwritable)).as("no revocation recorded without its row").isZero();
            assertThat(http().get("/admin/keys/" + keyId, MASTER_KEY).json().path("revoked_at").isNull()).isTrue();

            Http.Response again = http().delete("/admin/keys/" + keyId + "?reason=lost", MASTER_KEY);
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(chat(secret, "gpt-cheap", Map.of()).status()).isEqualTo(401);
        } finally {
            dsl.execute("DROP TRIGGER refuse_" + unwritable.replace('-', '_') + " ON api_keys");
        }
    }

    private int storedEvents(String type, String containing) {
        return dsl.fetchOne("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE ? "
                + "AND convert_from(payload, 'UTF8') LIKE ?", "%." + type, "%" + containing + "%").get(0, Integer.class);
    }

    private Http.Response portalPost(String cookie, String csrf, String json) {
        return http().send(http().request("/portal/api/keys", null).header("Cookie", "tollgate_session=" + cookie)
                .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build());
    }
}
