package dev.tollgate.edge.input;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A team key's OpenAI {@code user} becomes the member {@code <team>:<user>}: one no admin route could name (a
 * {@code /}, a space, a {@code ?}) could never be read, removed or erased, so it is a 400 on {@code param: "user"}
 * before anything is reserved or anyone registered. A user key's {@code user} registers nobody and stays free.
 */
class TeamKeyUserTest extends GatewayTestSupport {

    private static final List<String> NO_IDS = List.of("a/b", "a b", "a?b", "-lead", ".hidden", "zoë", "a#b",
            "a\\b");

    @Test
    void aTeamKeysUserThatIsNoIdIsA400AndNothingIsReservedOrRegistered() {
        String team = newTeam("10", "5", "clamp");
        String teamKey = newTeamKey(team);
        for (String user : NO_IDS) {
            List<Http.Response> answers = new ArrayList<>();
            answers.add(chat(teamKey, "gpt-cheap", Map.of("user", user)));
            answers.add(http().post("/v1/embeddings", teamKey, Map.of("model", "embed-test", "input", "x", "user",
                    user)));
            for (Http.Response refused : answers) {
                assertThat(refused.status()).as(user + ": " + refused.body()).isEqualTo(400);
                JsonNode error = refused.json().path("error");
                assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
                assertThat(error.path("param").asText()).isEqualTo("user");
                assertThat(error.path("code").asText()).isEqualTo("invalid_value");
                assertThat(refused.header("x-tollgate-cost")).isNull();
            }
        }

        Http.Response served = chat(teamKey, "gpt-cheap", Map.of("user", "bob.smith@uni.example"));
        assertThat(served.status()).as(served.body()).isEqualTo(200);
        BigDecimal cost = new BigDecimal(served.header("x-tollgate-cost"));
        await().untilAsserted(() -> {
            JsonNode budget = budgetOf("teams", team);
            assertThat(new BigDecimal(budget.path("spent").asText())).as("only the served request is charged")
                    .isEqualByComparingTo(cost);
            assertThat(new BigDecimal(budget.path("reserved").asText())).isZero();
        });
        // the directory follows the team's events in order: once it shows bob, it would show anyone registered before
        String bob = team + ":bob.smith@uni.example";
        await().until(() -> http().get("/admin/users/" + bob, MASTER_KEY).status() == 200);
        JsonNode members = http().get("/admin/users?team_id=" + team, MASTER_KEY).json().path("data");
        assertThat(members).hasSize(1);
        assertThat(members.get(0).path("id").asText()).isEqualTo(bob);
    }

    @Test
    void aUserKeysUserIsNotAnIdAndStaysFree() {
        String team = newTeam("10", "5", "clamp");
        String key = newUserKey(newUser(team, null), List.of("gpt-cheap"));
        Http.Response served = chat(key, "gpt-cheap", Map.of("user", "a/b c"));
        assertThat(served.status()).as(served.body()).isEqualTo(200);
    }
}
