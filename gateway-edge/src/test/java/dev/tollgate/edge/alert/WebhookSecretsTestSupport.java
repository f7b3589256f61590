package dev.tollgate.edge.alert;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.WebhookReceiver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.WEBHOOK_SECRETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the tests of which secret signs an endpoint's deliveries share: a team to alert, registrations, signatures. */
abstract class WebhookSecretsTestSupport extends GatewayTestSupport {

    /** A team whose new user has a 0.01 budget and a key: a gpt-test request of 1000 tokens crosses 10 %. */
    record Setup(String teamId, String userId, String key) {
    }

    Setup setup() {
        String teamId = newTeam(null, "0.01", "clamp");
        String userId = newUser(teamId, null);
        return new Setup(teamId, userId, newUserKey(userId, List.of("gpt-test")));
    }

    Http.Response register(String endpointId, String url, Setup setup) {
        return http().post("/admin/webhooks", MASTER_KEY, Map.of("id", endpointId, "url", url,
                "teams", List.of(setup.teamId()), "reason", "course office"));
    }

    /** Sets a 10 % threshold on the setup's user and spends past it: one alert. */
    void crossThreshold(Setup setup) {
        Http.Response set = http().post("/admin/thresholds", MASTER_KEY, Map.of("team_id", setup.teamId(),
                "scope", "user", "subject", setup.userId(), "percent", 10, "reason", "warn the student"));
        assertThat(set.status()).as(set.body()).isEqualTo(201);
        Http.Response spent = chat(setup.key(), "gpt-test", Map.of("max_tokens", 1000));
        assertThat(spent.status()).as(spent.body()).isEqualTo(200);
    }

    /** Crosses a threshold of the setup's user and answers the first delivery the receiver gets. */
    WebhookReceiver.Received delivered(Setup setup, WebhookReceiver receiver) {
        crossThreshold(setup);
        await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.received().isEmpty());
        return receiver.received().get(0);
    }

    List<String> fingerprintsKept(String endpointId) {
        return dsl.select(WEBHOOK_SECRETS.SECRET_FINGERPRINT).from(WEBHOOK_SECRETS)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId)).fetch(WEBHOOK_SECRETS.SECRET_FINGERPRINT);
    }

    static boolean signedWith(WebhookReceiver.Received delivery, String secret) {
        return WebhookSignature.verify(delivery.header(WebhookSignature.HEADER), secret, delivery.body(),
                Instant.now(), Duration.ofMinutes(5));
    }
}
