package dev.tollgate.edge.alert;

import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registrations of one endpoint id racing, a new id or a removed endpoint's: one wins (the endpoint's stream takes one
 * registration while it is not removed) and its caller's secret is the one deliveries are signed with; every other
 * caller is told {@code 409} and is never shown a secret, nor does theirs replace the winner's.
 */
class ConcurrentWebhookRegistrationTest extends WebhookSecretsTestSupport {

    private static final int RACERS = 12;

    @Test
    void ofRacingRegistrationsOneWinsTheOthersAre409AndDeliveriesAreSignedWithTheWinnersSecret() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Setup setup = setup();
            String endpointId = unique("webhook");

            String secret = theOneWinnersSecret(endpointId, race(endpointId, receiver.url(), setup));

            assertSignedWith(secret, receiver, setup);
        }
    }

    /**
     * A removed endpoint's id registered again by racers: its next event in the stream is appended once (the
     * aggregate's lock on this node, the unique (aggregate id, sequence number) across nodes), so one wins as for a
     * new id.
     */
    @Test
    void ofRacingRegistrationsOfARemovedEndpointsIdOneWinsAndDeliveriesAreSignedWithItsSecret() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Setup setup = setup();
            String endpointId = unique("webhook");
            Http.Response first = register(endpointId, receiver.url(), setup);
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            Http.Response removed = http().delete("/admin/webhooks/" + endpointId + "?reason=moved", MASTER_KEY);
            assertThat(removed.status()).as(removed.body()).isEqualTo(200);

            String secret = theOneWinnersSecret(endpointId, race(endpointId, receiver.url(), setup));

            assertThat(http().get("/admin/webhooks", MASTER_KEY).json().path("data").findValuesAsText("id"))
                    .as("listed once").containsOnlyOnce(endpointId);
            assertThat(dsl.fetchCount(dsl.selectOne().from("domainevententry").where("aggregateidentifier = ? "
                    + "AND payloadtype = 'dev.tollgate.api.alert.WebhookEndpointRegistered'", endpointId)))
                    .as("the first registration and one registration again").isEqualTo(2);
            assertSignedWith(secret, receiver, setup);
        }
    }

    /** {@value #RACERS} registrations of one endpoint, sent at once. */
    private List<Http.Response> race(String endpointId, String url, Setup setup) {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Http.Response>> racing = new ArrayList<>();
        try {
            for (int i = 0; i < RACERS; i++) {
                racing.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return register(endpointId, url, setup);
                }, pool));
            }
            start.countDown();
            CompletableFuture.allOf(racing.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
        return racing.stream().map(CompletableFuture::join).toList();
    }

    /** Exactly one {@code 201}, the others {@code 409} without a secret; only the winner's secret is kept. */
    private String theOneWinnersSecret(String endpointId, List<Http.Response> answers) {
        List<Http.Response> winners = new ArrayList<>();
        for (Http.Response answer : answers) {
            assertThat(answer.status()).as(answer.body()).isIn(201, 409);
            if (answer.status() == 201) {
                winners.add(answer);
            } else {
                assertThat(answer.json().path("error").path("code").asText()).isEqualTo("conflict");
                assertThat(answer.json().path("error").path("param").asText()).isEqualTo("id");
                assertThat(answer.body()).doesNotContain("whsec_");
            }
        }
        assertThat(winners).as("exactly one registration wins").hasSize(1);
        String secret = winners.get(0).json().path("secret").asText();
        assertThat(winners.get(0).json().path("endpoint").path("secret_fingerprint").asText())
                .isEqualTo(WebhookSecrets.fingerprint(secret));
        assertThat(fingerprintsKept(endpointId)).as("the losers' secrets are forgotten").containsExactly(WebhookSecrets.fingerprint(secret));
        return secret;
    }

    /** Crosses a threshold of the setup's user: the first delivery is signed with {@code secret}. */
    private void assertSignedWith(String secret, WebhookReceiver receiver, Setup setup) {
        assertThat(signedWith(delivered(setup, receiver), secret)).as("signed with the secret its registrar was shown")
                .isTrue();
    }
}
