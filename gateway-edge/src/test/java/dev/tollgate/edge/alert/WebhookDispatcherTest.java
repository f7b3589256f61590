package dev.tollgate.edge.alert;

import dev.tollgate.edge.config.TollgateProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry schedule and the signature, without a database. */
class WebhookDispatcherTest {

    static final TollgateProperties.Alerts DEFAULTS = TollgateProperties.defaults(TollgateProperties.Alerts.class);

    @Test
    void byDefaultAFailingDeliveryIsRetriedWithExponentialBackoffForMoreThanADay() {
        WebhookDispatcher dispatcher = new WebhookDispatcher(null, null, null, DEFAULTS, Clock.systemUTC());
        assertThat(dispatcher.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(dispatcher.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(dispatcher.backoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(dispatcher.backoff(30)).isEqualTo(Duration.ofHours(1));

        // the dispatcher's rule: another attempt while it falls before retry_from + retry-for
        Duration last = Duration.ZERO;
        int attempts = 1;
        while (last.plus(dispatcher.backoff(attempts)).compareTo(DEFAULTS.retryFor()) < 0) {
            last = last.plus(dispatcher.backoff(attempts));
            attempts++;
        }
        assertThat(last).as("the last retry").isGreaterThanOrEqualTo(Duration.ofHours(24));
        assertThat(attempts).isBetween(25, 40);
    }

    @Test
    void aSignatureCoversTheTimestampAndTheBody() {
        byte[] body = "{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.parse("2026-03-10T12:00:00Z");
        String header = WebhookSignature.sign("whsec_x", now.getEpochSecond(), body);
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        assertThat(WebhookSignature.verify(header, "whsec_x", body, now, Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify(header, "whsec_x", "{\"id\":\"b\"}".getBytes(StandardCharsets.UTF_8),
                now, Duration.ofMinutes(5))).as("another body").isFalse();
        assertThat(WebhookSignature.verify(header.replace("t=" + now.getEpochSecond(), "t=" + (now.getEpochSecond()
                + 1)), "whsec_x", body, now, Duration.ofMinutes(5))).as("another timestamp").isFalse();
        assertThat(WebhookSignature.verify(header, "whsec_x", body, now.plusSeconds(301), Duration.ofMinutes(5)))
                .as("too old: a replay").isFalse();
        assertThat(WebhookSecrets.fingerprint("whsec_x")).matches("[0-9a-f]{16}");
    }
}
