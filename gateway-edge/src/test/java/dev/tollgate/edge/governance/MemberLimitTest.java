package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A team holds at most {@code tollgate.ledger.max-members-per-team} members (here 2): past it, an admin's
 * registration and a team key's request for a new user get a clear 403, the request is recorded as rejected, and
 * the members the team has are served as before.
 */
class MemberLimitTest {

    static final String MASTER = "member-limit-master-key-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void pastTheMemberLimitARegistrationAndATeamKeysNewUserAreRefusedWith403() {
        try (RunningGateway gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir,
                "tollgate.master-key=" + MASTER, "tollgate.ledger.max-members-per-team=2")) {
            Http http = gateway.http();
            assertThat(http.post("/admin/teams", MASTER, Map.of("id", "lab", "budget",
                    Map.of("limit", "10", "period", "monthly"))).status()).isEqualTo(201);
            for (String user : List.of("ada", "bob")) {
                assertThat(http.post("/admin/users", MASTER, Map.of("id", user, "team_id", "lab")).status())
                        .isEqualTo(201);
            }

            Http.Response third = http.post("/admin/users", MASTER, Map.of("id", "carol", "team_id", "lab"));
            assertThat(third.status()).isEqualTo(403);
            JsonNode error = third.json().path("error");
            assertThat(error.path("code").asText()).isEqualTo("team_member_limit");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).contains("'lab'").contains("(2)");

            String teamKey = http.post("/admin/keys", MASTER, Map.of("team_id", "lab")).json().path("key").asText();
            assertThat(chat(http, teamKey, "ada").status()).as("a member is served").isEqualTo(200);
            Http.Response newcomer = chat(http, teamKey, "newbie");
            assertThat(newcomer.status()).isEqualTo(403);
            assertThat(newcomer.json().path("error").path("code").asText()).isEqualTo("team_member_limit");
            String requestId = newcomer.header("x-request-id");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode row = http.get("/spend/messages/" + requestId, MASTER).json();
                assertThat(row.path("outcome").asText()).isEqualTo("rejected");
                assertThat(row.path("reason").asText()).contains("most members");
            });

            assertThat(http.delete("/admin/users/bob?reason=left", MASTER).status()).isEqualTo(200);
            assertThat(chat(http, teamKey, "newbie").status()).as("a removal makes room").isEqualTo(200);
        }
    }

    private static Http.Response chat(Http http, String key, String user) {
        return http.post("/v1/chat/completions", key, Map.of("model", "gpt-cheap", "user", user,
                "messages", List.of(Map.of("role", "user", "content", "hello"))));
    }
}
