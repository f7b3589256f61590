package dev.tollgate.edge.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.PersonalDataSearch;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GDPR art. 17: after an admin erases a person, no read table, log or readable event payload holds their name, email,
 * external id or their key's metadata, while every amount stays exact and the event store still replays.
 */
@ExtendWith(OutputCaptureExtension.class)
class ErasureTest extends GatewayTestSupport {

    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void anErasedPersonIsInNoTableNoEventAndNoLogWhileTheirAmountsStayExact(CapturedOutput output) {
        String name = unique("Zelda Quintessa");
        String email = unique("zelda.q") + "@uni.example";
        String studentNumber = unique("matrikel");
        String secretNote = unique("lives-at-elm-street");
        String keyName = unique("Zelda's laptop");
        List<String> personal = List.of(name, email, studentNumber, secretNote, keyName);
        String team = newTeam(null, "1", "clamp");
        String user = unique("user");
        Http.Response created = http().post("/admin/users", MASTER_KEY, Map.of("id", user, "team_id", team,
                "name", name, "email", email, "external_id", studentNumber));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("email").asText()).isEqualTo(email);
        String key = issue(Map.of("name", keyName, "user_id", user, "metadata", Map.of("note", secretNote)))
                .path("key").asText();
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Http.Response answer = chat(key, "gpt-cheap", Map.of());
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            requests.add(answer.header("x-request-id"));
        }
        BigDecimal settled = requests.stream().map(this::messageCost)
                .map(cost -> new BigDecimal(cost.path("cost").asText())).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(settled).isPositive();
        // live budgets are another projection than the messages: the amounts before are those it shows once it has
        // followed the three settlements
        await().untilAsserted(() -> {
            assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText())).isEqualByComparingTo(settled);
            assertThat(new BigDecimal(budgetOf("teams", team).path("spent").asText())).isEqualByComparingTo(settled);
        });
        assertThat(eventPayloadsHolding(personal)).as("events hold personal data sealed, never in clear").isEmpty();
        JsonNode userBudgetBefore = budgetOf("users", user);
        JsonNode teamBudgetBefore = budgetOf("teams", team);
        String spendBefore = spendOf(user);

        assertThat(http().post("/admin/users/" + user + "/erase", MASTER_KEY, Map.of()).status())
                .as("a reason is required").isEqualTo(400);
        Credential manager = newCredential("manager", List.of(team), null);
        assertThat(http().post("/admin/users/" + user + "/erase", manager.secret(), Map.of("reason", "x")).status())
                .as("admins only").isEqualTo(403);
        Http.Response erased = http().post("/admin/users/" + user + "/erase", MASTER_KEY,
                Map.of("reason", "art. 17 request #42"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(erased.json().path("name").isNull()).isTrue();
        assertThat(erased.json().path("email").isNull()).isTrue();
        assertThat(erased.json().path("external_id").asText()).isEqualTo(user);
        assertThat(erased.json().path("erased_at").isNull()).isFalse();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(http().get("/audit?entity=user:" + user, MASTER_KEY).json().path("data")
                    .findValuesAsText("action")).contains("user.erased");
            assertThat(tablesHolding(personal)).as("no table holds them").isEmpty();
        });
        assertThat(eventPayloadsHolding(personal)).isEmpty();
        JsonNode erasure = http().get("/audit?action=user.erased&entity=user:" + user, MASTER_KEY).json()
                .path("data").path(0);
        assertThat(erasure.path("reason").asText()).isEqualTo("art. 17 request #42");

        // every amount as it was, and the person's key still charges exactly
        assertThat(budgetOf("users", user).path("spent")).isEqualTo(userBudgetBefore.path("spent"));
        assertThat(budgetOf("teams", team).path("spent")).isEqualTo(teamBudgetBefore.path("spent"));
        assertThat(spendOf(user)).isEqualTo(spendBefore);
        String after = chat(key, "gpt-cheap", Map.of()).header("x-request-id");
        JsonNode cost = messageCost(after);
        BigDecimal spentBefore = new BigDecimal(userBudgetBefore.path("spent").asText());
        assertThat(spentBefore).isPositive();
        await().untilAsserted(() -> assertThat(new BigDecimal(budgetOf("users", user).path("spent").asText()))
                .isEqualByComparingTo(spentBefore.add(new BigDecimal(cost.path("cost").asText()))));
        JsonNode reconciliation = http().get("/reports/reconciliation?from=2000-01-01", MASTER_KEY).json();
        assertThat(reconciliation.path("matches").asBoolean()).as(reconciliation.toString()).isTrue();

        // a replay rebuilds the read model from the immutable store: still nothing of them
        for (String group : List.of("directory", "audit")) {
            StreamingEventProcessor processor = processing.eventProcessor(group, StreamingEventProcessor.class)
                    .orElseThrow();
            processor.shutDown();
            processor.resetTokens();
            processor.start();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode replayed = http().get("/admin/users/" + user, MASTER_KEY).json();
            assertThat(replayed.path("erased_at").isNull()).isFalse();
            assertThat(replayed.path("name").isNull()).isTrue();
            assertThat(http().get("/audit?entity=user:" + user, MASTER_KEY).json().path("data")
                    .findValuesAsText("action")).contains("user.erased", "user.registered");
        });
        assertThat(tablesHolding(personal)).isEmpty();
        assertThat(output.getAll()).as("no log line names them").doesNotContain(name, email, studentNumber,
                secretNote);
    }

    private String spendOf(String user) {
        return http().get("/spend/messages?user_id=" + user, MASTER_KEY).json().path("data").findValuesAsText("cost")
                .toString();
    }

    private List<String> tablesHolding(List<String> values) {
        return PersonalDataSearch.tablesHolding(dsl, values, "users", "audit_log", "api_keys", "domainevententry", "personal_data_keys");
    }

    private List<String> eventPayloadsHolding(List<String> values) {
        return PersonalDataSearch.eventPayloadsHolding(dsl, values);
    }
}
