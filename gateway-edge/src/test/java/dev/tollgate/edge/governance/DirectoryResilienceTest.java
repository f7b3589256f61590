package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.Limits;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One admin request must never stall the key directory. Ids have one limit that every column can store; a row a
 * projection cannot write parks its event in the dead-letter queue (the node says it is not ready, an admin retries
 * it) instead of stopping the projection; and keys are decided without the directory processor at all.
 */
class DirectoryResilienceTest extends GatewayTestSupport {

    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void aBoostWithAnIdOfTheLongestAllowedLengthIsStoredAndLaterChangesStillAnswerAtOnce() {
        String team = newTeam("100", null, "clamp");
        String longest = "b".repeat(Limits.ID);
        Http.Response granted = http().post("/admin/boosts", MASTER_KEY, Map.of("id", longest, "target", "team:" + team,
                "amount", "5", "ends_at", Instant.now().plusSeconds(3600).toString(), "reason", "exam week"));
        assertThat(granted.status()).as(granted.body()).isEqualTo(201);
        assertThat(http().get("/admin/boosts/" + longest, MASTER_KEY).status()).isEqualTo(200);

        Http.Response tooLong = http().post("/admin/boosts", MASTER_KEY, Map.of("id", "b".repeat(Limits.ID + 1),
                "target", "team:" + team, "amount", "5", "ends_at", Instant.now().plusSeconds(3600).toString(),
                "reason", "exam week"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("error").path("param").asText()).isEqualTo("id");
        assertThat(tooLong.body()).as("the refused id is not echoed").doesNotContain("b".repeat(Limits.ID + 1));

        long started = System.nanoTime();
        newTeam("10", null, "clamp"); // waits for the directory to show it
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRevokedKeyStopsWithinASecondWhileTheDirectoryProcessorIsStopped() {
        String team = newTeam("100", null, "clamp");
        String user = newUser(team, null);
        StreamingEventProcessor directory = processing.eventProcessor("directory", StreamingEventProcessor.class)
                .orElseThrow();
        directory.shutDown();
        try {
            JsonNode issued = issue(Map.of("name", "laptop", "user_id", user));
            String key = issued.path("key").asText();
            assertThat(chat(key, "gpt-test", Map.of()).status()).as("a key works while the directory is down")
                    .isEqualTo(200);

            Http.Response revoked = http().delete("/admin/keys/" + issued.path("id").asText() + "?reason=lost",
                    MASTER_KEY);
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                    .until(() -> chat(key, "gpt-test", Map.of()).status() == 401);
        } finally {
            directory.start();
        }
    }

    @Test
    void anEventAProjectionCannotStoreIsParkedHealthSaysSoAndAnAdminRetriesIt() {
        String poisoned = unique("poisoned");
        // a row the database refuses: the directory cannot store this team's name until the rule is dropped
        dsl.execute("ALTER TABLE teams ADD CONSTRAINT refuse_poisoned CHECK (name <> 'Team " + poisoned + "')");
        try {
            Http.Response created = http().post("/admin/teams", MASTER_KEY, Map.of("id", poisoned,
                    "name", "Team " + poisoned, "budget", budget("10", "monthly"), "reason", "test"));
            assertThat(created.status()).as("recorded, but not shown: " + created.body()).isEqualTo(503);

            await().atMost(Duration.ofSeconds(10)).until(() -> deadLettersStatus().equals("DOWN"));
            assertThat(http().get("/actuator/health", null).status()).isEqualTo(503);
            assertThat(http().get("/actuator/health/readiness", null).status())
                    .as("the node still takes requests: they are decided on the command side").isEqualTo(200);
            String other = newTeam("10", null, "clamp"); // the directory goes on with every other sequence
            assertThat(http().get("/admin/teams/" + other, MASTER_KEY).status()).isEqualTo(200);

            JsonNode parked = http().get("/admin/dead-letters", MASTER_KEY).json().path("data");
            assertThat(parked).anySatisfy(sequence -> {
                assertThat(sequence.path("processing_group").asText()).isEqualTo("directory");
                assertThat(sequence.path("events").get(0).path("event_type").asText()).isEqualTo("TeamCreated");
                assertThat(sequence.path("events").get(0).path("aggregate_id").asText()).isEqualTo(poisoned);
                assertThat(sequence.path("events").get(0).path("cause_message").asText().length())
                        .isLessThanOrEqualTo(200);
            });
        } finally {
            dsl.execute("ALTER TABLE teams DROP CONSTRAINT refuse_poisoned");
        }
        assertThat(http().post("/admin/dead-letters/directory/retry", "tg-not-an-admin", Map.of()).status())
                .isEqualTo(401);
        Http.Response retried = http().post("/admin/dead-letters/directory/retry", MASTER_KEY, Map.of());
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("remaining").asLong()).isZero();
        assertThat(http().get("/admin/teams/" + poisoned, MASTER_KEY).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLettersStatus().equals("UP"));
        assertThat(http().get("/admin/dead-letters", MASTER_KEY).json().path("data"))
                .noneSatisfy(sequence -> assertThat(sequence.path("processing_group").asText()).isEqualTo("directory"));
    }

    @Test
    void anEventNoNodeCanEverStoreIsDiscardedByAnAdminWithAReason() {
        String poisoned = unique("poisoned");
        dsl.execute("ALTER TABLE teams ADD CONSTRAINT refuse_forever CHECK (name <> 'Team " + poisoned + "')");
        try {
            http().post("/admin/teams", MASTER_KEY, Map.of("id", poisoned, "name", "Team " + poisoned,
                    "budget", budget("10", "monthly"), "reason", "test"));
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLettersStatus().equals("DOWN"));

            Http.Response withoutReason = http().post("/admin/dead-letters/directory/discard", MASTER_KEY, Map.of());
            assertThat(withoutReason.status()).isEqualTo(400);
            assertThat(withoutReason.json().path("error").path("param").asText()).isEqualTo("reason");
            assertThat(http().post("/admin/dead-letters/nothing-such/discard", MASTER_KEY,
                    Map.of("reason", "typo")).status()).isEqualTo(404);

            Http.Response discarded = http().post("/admin/dead-letters/directory/discard", MASTER_KEY,
                    Map.of("reason", "a name the directory refuses for good"));
            assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);
            assertThat(discarded.json().path("events_discarded").asLong()).isPositive();
            assertThat(deadLettersStatus()).isEqualTo("UP");
            assertThat(http().get("/admin/dead-letters", MASTER_KEY).json().path("data")).noneSatisfy(sequence ->
                    assertThat(sequence.path("processing_group").asText()).isEqualTo("directory"));

        } finally {
            dsl.execute("ALTER TABLE teams DROP CONSTRAINT refuse_forever");
        }
        // the directory misses the discarded event until it is replayed, which brings it back
        assertThat(http().get("/admin/teams/" + poisoned, MASTER_KEY).status()).isEqualTo(404);
        StreamingEventProcessor directory = processing.eventProcessor("directory", StreamingEventProcessor.class)
                .orElseThrow();
        directory.shutDown();
        directory.resetTokens();
        directory.start();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                http().get("/admin/teams/" + poisoned, MASTER_KEY).status() == 200);
    }

    private String deadLettersStatus() {
        return http().get("/actuator/health", null).json().path("components").path("deadLetters").path("status")
                .asText();
    }

}
