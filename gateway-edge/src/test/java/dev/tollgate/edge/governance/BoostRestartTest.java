package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A boost ends on time even when Tollgate was down across its end instant: the end is a fact of the event stream
 * (its end instant), not of a timer in memory, and the end is recorded in the audit trail after the restart.
 */
class BoostRestartTest {

    static final String MASTER = "restart-master-key-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void aBoostStillEndsOnTimeAfterTheApplicationWasDownAcrossItsEnd() {
        String key;
        String boostId;
        Instant endsAt;
        try (RunningGateway first = start()) {
            Http http = first.http();
            assertThat(http.post("/admin/teams", MASTER, Map.of("id", "lab", "over_budget_policy", "reject",
                    "budget", Map.of("limit", "0.001", "period", "monthly"))).status()).isEqualTo(201);
            assertThat(http.post("/admin/users", MASTER, Map.of("id", "ada", "team_id", "lab")).status())
                    .isEqualTo(201);
            key = http.post("/admin/keys", MASTER, Map.of("user_id", "ada")).json().path("key").asText();
            endsAt = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.MILLIS);
            Http.Response granted = http.post("/admin/boosts", MASTER, Map.of("target", "team:lab", "amount", "1",
                    "ends_at", endsAt.toString(), "reason", "lab session"));
            assertThat(granted.status()).as(granted.body()).isEqualTo(201);
            boostId = granted.json().path("id").asText();
            assertThat(chat(http, key).status()).as("the boost counts while it runs").isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(endsAt.plusMillis(500)));

        try (RunningGateway second = start()) {
            Http http = second.http();
            Http.Response refused = chat(http, key);
            assertThat(refused.status()).as("the boost ended while the application was down").isEqualTo(429);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("insufficient_quota");
            assertThat(http.get("/budgets/teams/lab", MASTER).json().path("effective_limit").asText())
                    .isEqualTo("0.001");

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode audit = http.get("/audit?entity=boost:" + boostId, MASTER).json().path("data");
                assertThat(audit.findValuesAsText("action")).containsExactly("boost.expired", "boost.granted");
            });
            JsonNode row = http.get("/admin/boosts/" + boostId, MASTER).json().path("accounts").get(0);
            assertThat(row.path("status").asText()).isEqualTo("ended");
            assertThat(Instant.parse(row.path("ends_at").asText())).isEqualTo(endsAt);
        }
    }

    private RunningGateway start() {
        return RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir, "tollgate.master-key=" + MASTER);
    }

    private static Http.Response chat(Http http, String key) {
        return http.post("/v1/chat/completions", key, Map.of("model", "gpt-test", "max_tokens", 1000,
                "messages", List.of(Map.of("role", "user", "content", "hello"))));
    }
}
