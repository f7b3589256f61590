package dev.tollgate.edge.roster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A course roster in one step: a dry run reports, the import does the same, line by line, with reasons. */
class RosterTest extends GatewayTestSupport {

    @Test
    void aDryRunReportsWhatTheImportThenDoes() throws Exception {
        String team = newTeam(null, "1", "clamp");
        String other = newTeam(null, "1", "clamp");
        String stays = newUser(team, null);
        String retagged = newUser(team, null);
        http().put("/admin/users/" + retagged + "/tags", MASTER_KEY, Map.of("tags", List.of("a"), "reason", "x"));
        String mover = newUser(other, null);
        String fresh = unique("s");
        String csv = "id,name,email,team,tags\n"
                + fresh + ",\"Fresh, Student\"," + fresh + "@uni.example," + team + ",course:x;lab:1\n"
                + stays + ",,,,\n"
                + retagged + ",,,,b\n"
                + mover + ",,,," + "course:x\n"
                + "bad id!,,,,\n"
                + unique("s") + ",,," + other + ",\n"
                + fresh + ",,,,\n"
                + unique("s") + ",,not-an-email,,\n";

        JsonNode dry = roster(team, csv, true, MASTER_KEY);
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        assertThat(actions(dry)).containsExactly("created", "unchanged", "updated", "moved", "refused", "refused",
                "refused", "refused");
        assertThat(dry.path("summary").toString()).isEqualTo(
                "{\"created\":1,\"moved\":1,\"updated\":1,\"unchanged\":1,\"refused\":4}");
        assertThat(dry.path("rows").get(3).path("from_team").asText()).isEqualTo(other);
        assertThat(dry.path("rows").get(5).path("reason").asText()).contains("names team '" + other + "'");
        assertThat(dry.path("rows").get(6).path("reason").asText()).contains("earlier line");
        assertThat(dry.toString()).as("the report repeats no name or email").doesNotContain("Fresh", fresh + "@uni.example");
        assertThat(http().get("/admin/users/" + fresh, MASTER_KEY).status()).as("a dry run changes nothing")
                .isEqualTo(404);
        assertThat(http().get("/admin/users/" + mover, MASTER_KEY).json().path("team_id").asText()).isEqualTo(other);

        Credential managerOfTeam = newCredential("manager", List.of(team), null);
        JsonNode asManager = roster(team, csv, true, managerOfTeam.secret());
        assertThat(asManager.path("rows").get(3).path("action").asText()).as("a move needs a manager of both")
                .isEqualTo("refused");

        JsonNode done = roster(team, csv, false, MASTER_KEY);
        assertThat(actions(done)).isEqualTo(actions(dry));
        await().untilAsserted(() -> {
            JsonNode created = http().get("/admin/users/" + fresh, MASTER_KEY).json();
            assertThat(created.path("name").asText()).isEqualTo("Fresh, Student");
            assertThat(created.path("email").asText()).isEqualTo(fresh + "@uni.example");
            assertThat(created.path("tags").toString()).isEqualTo("[\"course:x\",\"lab:1\"]");
            assertThat(http().get("/admin/users/" + retagged, MASTER_KEY).json().path("tags").toString())
                    .isEqualTo("[\"b\"]");
            JsonNode moved = http().get("/admin/users/" + mover, MASTER_KEY).json();
            assertThat(moved.path("team_id").asText()).isEqualTo(team);
            assertThat(moved.path("tags").toString()).isEqualTo("[\"course:x\"]");
        });
        assertThat(actions(roster(team, csv, true, MASTER_KEY))).as("importing again changes nothing more")
                .containsExactly("unchanged", "unchanged", "unchanged", "unchanged", "refused", "refused", "refused",
                        "refused");
    }

    @Test
    void aRosterIsBoundedAndReadable() throws Exception {
        String team = newTeam(null, "1", "clamp");
        StringBuilder tooLong = new StringBuilder("id\n");
        for (int i = 0; i < 5_001; i++) {
            tooLong.append("s").append(i).append('\n');
        }
        assertThat(post(team, tooLong.toString(), true, MASTER_KEY).statusCode()).isEqualTo(400);
        HttpResponse<String> noId = post(team, "name,email\nA,a@uni.example\n", true, MASTER_KEY);
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(noId.body()).contains("no 'id' column");
        assertThat(post("no-such-team", "id\ns1\n", true, MASTER_KEY).statusCode()).isEqualTo(404);
        Credential stranger = newCredential("manager", List.of(newTeam(null, "1", "clamp")), null);
        assertThat(post(team, "id\ns1\n", true, stranger.secret()).statusCode()).isEqualTo(403);
    }

    @Test
    void aRosterWithAControlCharacterIsRefusedWholeNamingTheLineAndFieldAndRegistersNobody() throws Exception {
        String team = newTeam(null, "1", "clamp");
        String first = unique("s");
        String second = unique("s");
        String header = "id,name,email,team,tags\n";
        String fine = first + ",Ann,ann@uni.example,,course:x\n";
        List<String[]> broken = List.of(
                new String[]{second + ",Bo\u0000b,,,\n", "field 'name'"},
                new String[]{second + ",Bob,bob\u0000@uni.example,,\n", "field 'email'"},
                new String[]{second + ",Bob,,,course:\u0001x\n", "field 'tags'"},
                new String[]{second + ",Bob,,\u0000" + team + ",\n", "field 'team'"},
                new String[]{second + "\u0000,Bob,,,\n", "field 'id'"},
                new String[]{second + ",\"Bob\nSmith\",,,\n", "field 'name'"},
                new String[]{second + ",Bob\u007f,,,\n", "field 'name'"},
                new String[]{second + ",Bob,,,,\u0000\n", "field 6"});
        for (String[] line : broken) {
            for (boolean dryRun : List.of(true, false)) {
                HttpResponse<String> refused = post(team, header + fine + line[0], dryRun, MASTER_KEY);
                assertThat(refused.statusCode()).as(line[0] + ": " + refused.body()).isEqualTo(400);
                JsonNode error = new com.fasterxml.jackson.databind.ObjectMapper().readTree(refused.body())
                        .path("error");
                assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
                assertThat(error.path("message").asText()).as(line[0])
                        .contains("line 3", line[1], "control character")
                        .doesNotContain("\u0000");
            }
        }
        // nobody was registered, not even the fine line: a roster that follows shows the team as it was
        String later = unique("s");
        roster(team, header + later + ",,,,\n", false, MASTER_KEY);
        await().until(() -> http().get("/admin/users/" + later, MASTER_KEY).status() == 200);
        assertThat(http().get("/admin/users/" + first, MASTER_KEY).status()).isEqualTo(404);
        assertThat(http().get("/admin/users/" + second, MASTER_KEY).status()).isEqualTo(404);
        assertThat(http().get("/admin/users?team_id=" + team, MASTER_KEY).json().path("data")).hasSize(1);
    }

    private static List<String> actions(JsonNode report) {
        List<String> actions = new ArrayList<>();
        report.path("rows").forEach(row -> actions.add(row.path("action").asText()));
        return actions;
    }

    private JsonNode roster(String team, String csv, boolean dryRun, String key) throws Exception {
        HttpResponse<String> response = post(team, csv, dryRun, key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    }

    private HttpResponse<String> post(String team, String csv, boolean dryRun, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/teams/" + team + "/roster?dry_run="
                        + dryRun + "&reason=autumn+term"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
