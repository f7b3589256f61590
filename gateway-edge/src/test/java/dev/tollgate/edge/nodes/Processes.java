package dev.tollgate.edge.nodes;

import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.SlowUpstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the process tests share: the configuration file the jar is started with, a team and its key. */
final class Processes {

    static final String MASTER = "process-tests-master-key-0123456789";
    /** Output-priced: a request with {@code max_tokens: 100} reserves and costs exactly 0.0002. */
    static final String MODEL = "gpt-it";

    private Processes() {
    }

    /**
     * {@code TOLLGATE_CONFIG} for the jar: one model on {@code upstream}, reservations that expire after 5 s and a
     * sweep every second (so that a test sees expiries), plus {@code extra} YAML lines under {@code tollgate:}.
     */
    static Path config(Path dir, SlowUpstream upstream, String... extra) throws IOException {
        StringBuilder yaml = new StringBuilder("""
                tollgate:
                  ledger:
                    reservation-ttl: 5s
                    expiry-sweep-interval: 1s
                  models:
                    - name: gpt-it
                      max-output-tokens: 1000
                      prices: { input: "0", output: "2.00" }
                      deployment: { provider: openai, base-url: "%s", upstream-model: up-slow }
                """.formatted(upstream.baseUrl()));
        for (String line : extra) {
            yaml.append("  ").append(line).append('\n');
        }
        Path file = dir.resolve("tollgate.yaml");
        Files.createDirectories(dir);
        Files.writeString(file, yaml);
        return file;
    }

    static Map<String, String> environment(Path config) {
        return Map.of("TOLLGATE_CONFIG", "file:" + config, "TOLLGATE_MASTER_KEY", MASTER);
    }

    /** Creates {@code teamId} with a monthly {@code limit} and returns a new team key's secret. */
    static String teamWithKey(Http admin, String teamId, String limit) {
        Http.Response team = admin.post("/admin/teams", MASTER, Map.of("id", teamId, "budget",
                Map.of("limit", limit, "period", "monthly")));
        assertThat(team.status()).as(team.body()).isEqualTo(201);
        Http.Response key = admin.post("/admin/keys", MASTER, Map.of("team_id", teamId));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        return key.json().path("key").asText();
    }
}
