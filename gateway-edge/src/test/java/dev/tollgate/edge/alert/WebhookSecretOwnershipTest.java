package dev.tollgate.edge.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;

import static dev.tollgate.readmodel.Tables.WEBHOOK_SECRETS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which kept secret is an endpoint's: the one whose fingerprint its registration (the one the event store accepted)
 * carries. A secret kept by a registration that never reached the event store (its node killed between keeping the
 * secret and sending the command) blocks nothing and signs nothing; a registered endpoint's secret is never replaced
 * by a later registration of its id.
 */
class WebhookSecretOwnershipTest extends WebhookSecretsTestSupport {

    @Autowired
    WebhookSecrets secrets;

    @Test
    void anIdWhoseRegistrationDiedAfterKeepingItsSecretIsRegisteredAgainAndSignsWithTheNewSecret() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Setup setup = setup();
            String endpointId = unique("webhook");
            // what a node leaves when it is killed after keeping the secret and before its command is stored
            String orphan = WebhookSecrets.newSecret();
            secrets.store(endpointId, orphan);
            assertThat(http().get("/admin/webhooks", MASTER_KEY).body()).doesNotContain(endpointId);

            Http.Response registered = register(endpointId, receiver.url(), setup);

            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            String secret = registered.json().path("secret").asText();
            assertThat(secret).startsWith("whsec_").isNotEqualTo(orphan);
            assertThat(registered.json().path("endpoint").path("secret_fingerprint").asText())
                    .isEqualTo(WebhookSecrets.fingerprint(secret));
            assertThat(fingerprintsKept(endpointId)).as("the orphan is forgotten once the id is registered")
                    .containsExactly(WebhookSecrets.fingerprint(secret));
            WebhookReceiver.Received delivery = delivered(setup, receiver);
            assertThat(signedWith(delivery, secret)).as("signed with the secret its registrar was shown").isTrue();
            assertThat(signedWith(delivery, orphan)).as("never with the orphan's").isFalse();
        }
    }

    @Test
    void anIdWhoseSecretWasOrphanedBeforeSecretsHadFingerprintsIsRegisteredAgain() {
        Setup setup = setup();
        String endpointId = unique("webhook");
        // the same crash under a release before V16: the row has no fingerprint
        secrets.store(endpointId, WebhookSecrets.newSecret());
        dsl.update(WEBHOOK_SECRETS).setNull(WEBHOOK_SECRETS.SECRET_FINGERPRINT)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId)).execute();

        Http.Response registered = register(endpointId, "http://127.0.0.1:9/never", setup);

        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String secret = registered.json().path("secret").asText();
        String fingerprint = registered.json().path("endpoint").path("secret_fingerprint").asText();
        assertThat(fingerprint).isEqualTo(WebhookSecrets.fingerprint(secret));
        assertThat(secrets.secretOf(endpointId, fingerprint)).as("the secret deliveries are signed with")
                .contains(secret);
        assertThat(fingerprintsKept(endpointId)).containsExactly(fingerprint);
    }

    @Test
    void aRegisteredEndpointsSecretIsNeverReplacedByALaterRegistrationOfItsId() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Setup setup = setup();
            String endpointId = unique("webhook");
            Http.Response first = register(endpointId, receiver.url(), setup);
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            String secret = first.json().path("secret").asText();

            for (String url : List.of(receiver.url(), "http://127.0.0.1:9/elsewhere")) {
                Http.Response again = register(endpointId, url, setup);
                assertThat(again.status()).as(again.body()).isEqualTo(409);
                assertThat(again.json().path("error").path("param").asText()).isEqualTo("id");
                assertThat(again.body()).doesNotContain("whsec_");
            }

            assertThat(fingerprintsKept(endpointId)).containsExactly(WebhookSecrets.fingerprint(secret));
            WebhookReceiver.Received delivery = delivered(setup, receiver);
            assertThat(signedWith(delivery, secret)).as("signed with the first registration's secret").isTrue();
        }
    }

    @Test
    void aFailedRegistrationForgetsItsOwnSecretButNeverTheRegisteredEndpoints() {
        Setup setup = setup();
        String endpointId = unique("webhook");
        Http.Response first = register(endpointId, "http://127.0.0.1:9/never", setup);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        String secret = first.json().path("secret").asText();
        String fingerprint = WebhookSecrets.fingerprint(secret);

        // a loser of a race, refused by the event store after it kept its secret
        String losers = WebhookSecrets.newSecret();
        secrets.store(endpointId, losers);
        secrets.discard(endpointId, losers);
        secrets.discard(endpointId, secret); // a failure seen by the winner's caller although its command committed

        assertThat(fingerprintsKept(endpointId)).containsExactly(fingerprint);
        assertThat(secrets.secretOf(endpointId, fingerprint)).contains(secret);
    }

    @Test
    void aRegisteredEndpointsSecretForgottenByAnotherRegistrationsTidyingIsKeptAgainOnceItsRegistrationSucceeds() {
        Setup setup = setup();
        String endpointId = unique("webhook");
        Http.Response registered = register(endpointId, "http://127.0.0.1:9/never", setup);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String secret = registered.json().path("secret").asText();
        String fingerprint = WebhookSecrets.fingerprint(secret);
        // a registration racing it forgot every other secret (the id removed and registered again in between)
        dsl.deleteFrom(WEBHOOK_SECRETS).where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId)).execute();
        String stranger = WebhookSecrets.newSecret();
        secrets.store(endpointId, stranger);

        secrets.keepOnly(endpointId, secret);
        secrets.keepOnly(endpointId, stranger); // one that lost: keeps nothing, forgets nothing

        assertThat(fingerprintsKept(endpointId)).containsExactly(fingerprint);
        assertThat(secrets.secretOf(endpointId, fingerprint)).contains(secret);
    }

    @Test
    void aSecretKeptBeforeSecretsHadFingerprintsSignsOnlyForTheFingerprintItHas() {
        Setup setup = setup();
        String endpointId = unique("webhook");
        Http.Response registered = register(endpointId, "http://127.0.0.1:9/never", setup);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String secret = registered.json().path("secret").asText();
        // the endpoint's row as V16 leaves a row kept before it
        dsl.update(WEBHOOK_SECRETS).setNull(WEBHOOK_SECRETS.SECRET_FINGERPRINT)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId)).execute();

        JsonNode endpoint = registered.json().path("endpoint");
        assertThat(secrets.secretOf(endpointId, endpoint.path("secret_fingerprint").asText())).contains(secret);
        assertThat(secrets.secretOf(endpointId, WebhookSecrets.fingerprint(WebhookSecrets.newSecret()))).isEmpty();
    }
}
