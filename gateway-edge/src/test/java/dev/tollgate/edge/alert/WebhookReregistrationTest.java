package dev.tollgate.edge.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A removed endpoint's id is registered again (docs/adr/0012): a new secret, shown once, signs its deliveries, and
 * nothing of the removed registration (its secret, its URL, its pending deliveries, its teams) is used any more. An id
 * registered and not removed, or another record's, is still refused with {@code 409}.
 */
class WebhookReregistrationTest extends WebhookSecretsTestSupport {

    private void remove(String endpointId) {
        Http.Response removed = http().delete("/admin/webhooks/" + endpointId + "?reason=moved", MASTER_KEY);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    }

    private JsonNode deliveries(String endpointId) {
        return http().get("/admin/webhooks/deliveries?endpoint_id=" + endpointId, MASTER_KEY).json().path("data");
    }

    @Test
    void aRemovedEndpointsIdIsRegisteredAgainWithANewSecretThatAloneSignsItsDeliveries() {
        try (WebhookReceiver before = new WebhookReceiver(); WebhookReceiver after = new WebhookReceiver()) {
            Setup setup = setup();
            String endpointId = unique("webhook");
            Http.Response first = register(endpointId, before.url(), setup);
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            String oldSecret = first.json().path("secret").asText();
            remove(endpointId);
            assertThat(fingerprintsKept(endpointId)).as("the removed registration's secret is forgotten").isEmpty();

            Http.Response again = register(endpointId, after.url(), setup);

            assertThat(again.status()).as(again.body()).isEqualTo(201);
            String secret = again.json().path("secret").asText();
            String fingerprint = WebhookSecrets.fingerprint(secret);
            assertThat(secret).startsWith("whsec_").isNotEqualTo(oldSecret);
            JsonNode endpoint = again.json().path("endpoint");
            assertThat(endpoint.path("secret_fingerprint").asText()).isEqualTo(fingerprint);
            assertThat(endpoint.path("url").asText()).isEqualTo(after.url());
            assertThat(endpoint.path("removed_at").isNull()).as(endpoint.toString()).isTrue();
            List<JsonNode> listed = http().get("/admin/webhooks", MASTER_KEY).json().path("data").findParents("id")
                    .stream().filter(e -> e.path("id").asText().equals(endpointId)).toList();
            assertThat(listed).as("listed once, as registered again").hasSize(1);
            assertThat(listed.get(0).path("secret_fingerprint").asText()).isEqualTo(fingerprint);
            assertThat(listed.get(0).path("url").asText()).isEqualTo(after.url());
            assertThat(fingerprintsKept(endpointId)).containsExactly(fingerprint);

            Http.Response live = register(endpointId, before.url(), setup);
            assertThat(live.status()).as("an endpoint registered again is live: " + live.body()).isEqualTo(409);
            assertThat(live.json().path("error").path("param").asText()).isEqualTo("id");
            assertThat(live.body()).doesNotContain("whsec_");
            assertThat(fingerprintsKept(endpointId)).containsExactly(fingerprint);

            crossThreshold(setup);
            await().atMost(Duration.ofSeconds(20)).until(() -> !after.received().isEmpty());
            WebhookReceiver.Received delivery = after.received().get(0);
            assertThat(signedWith(delivery, secret)).as("signed with the new secret").isTrue();
            assertThat(signedWith(delivery, oldSecret)).as("never with the removed registration's").isFalse();
            assertThat(deliveries(endpointId).findValuesAsText("state")).containsExactly("delivered");
            assertThat(before.received()).as("the removed registration's URL gets nothing").isEmpty();
        }
    }

    @Test
    void aRemovedEndpointsPendingDeliveriesDieAndARedeliveryGoesOnlyToARegistrationReceivingItsTeam() {
        try (WebhookReceiver failing = new WebhookReceiver().otherwise(503); WebhookReceiver next =
                new WebhookReceiver()) {
            Setup setup = setup();
            String endpointId = unique("webhook");
            assertThat(register(endpointId, failing.url(), setup).status()).isEqualTo(201);
            crossThreshold(setup);
            await().atMost(Duration.ofSeconds(20)).until(() -> !failing.received().isEmpty());
            assertThat(deliveries(endpointId).path(0).path("state").asText()).isEqualTo("pending");

            remove(endpointId);

            JsonNode dead = deliveries(endpointId).path(0);
            assertThat(dead.path("state").asText()).as("dead with the removal, not at its next attempt")
                    .isEqualTo("dead");
            assertThat(dead.path("last_error").asText()).isEqualTo("the endpoint was removed");

            Setup otherTeam = setup();
            Http.Response again = register(endpointId, next.url(), otherTeam);
            assertThat(again.status()).as(again.body()).isEqualTo(201);
            assertThat(deliveries(endpointId).path(0).path("state").asText())
                    .as("not sent to the id's next registration").isEqualTo("dead");

            Http.Response redelivered = http().post("/admin/webhooks/deliveries/" + dead.path("id").asLong()
                    + "/redeliver", MASTER_KEY, Map.of());
            assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode delivery = deliveries(endpointId).path(0);
                assertThat(delivery.path("state").asText()).isEqualTo("dead");
                assertThat(delivery.path("last_error").asText())
                        .isEqualTo("the endpoint no longer receives this team's alerts");
            });
            assertThat(next.received()).as("another team's alert never reaches it").isEmpty();
        }
    }

    @Test
    void anIdThatIsAnotherRecordsIsRefusedWithAConflictAndKeepsNoSecret() {
        Setup setup = setup();

        Http.Response registered = register(setup.teamId(), "http://127.0.0.1:9/never", setup);

        assertThat(registered.status()).as(registered.body()).isEqualTo(409);
        assertThat(registered.json().path("error").path("param").asText()).isEqualTo("id");
        assertThat(registered.body()).doesNotContain("whsec_");
        assertThat(fingerprintsKept(setup.teamId())).isEmpty();
    }
}
