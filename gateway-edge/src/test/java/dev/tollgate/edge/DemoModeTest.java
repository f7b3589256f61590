package dev.tollgate.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The zero-configuration start of the README: embedded PostgreSQL in a data folder, the demo models on the built-in
 * mock, a generated master key kept in the data folder; and everything still there after a restart.
 */
class DemoModeTest {

    @TempDir
    Path dataDir;

    @Test
    void startsWithNothingConfiguredAnswersOutOfTheBoxAndKeepsItsLedgerAcrossARestart() throws Exception {
        String teamBudgetAfterFirstRun;
        String masterKey;
        try (RunningGateway gateway = RunningGateway.start(List.of(), "tollgate.data-dir=" + dataDir,
                "tollgate.master-key=")) {
            masterKey = Files.readString(dataDir.resolve("master-key")).trim();
            assertThat(masterKey).startsWith("tg-master-");
            Http http = gateway.http();
            assertThat(http.post("/admin/teams", masterKey, Map.of("id", "demo", "budget",
                    Map.of("limit", "5", "period", "monthly"))).status()).isEqualTo(201);
            assertThat(http.post("/admin/users", masterKey, Map.of("id", "ada", "team_id", "demo")).status())
                    .isEqualTo(201);
            String key = http.post("/admin/keys", masterKey, Map.of("user_id", "ada")).json().path("key").asText();

            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(key).build();
            ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("mock-gpt-4o-mini").addUserMessage("Hello, Tollgate").build());
            assertThat(answer.choices().get(0).message().content()).isPresent();
            assertThat(new BigDecimal(answer.usage().orElseThrow()._additionalProperties().get("cost").toString()))
                    .isPositive();
            org.awaitility.Awaitility.await().until(() -> !http.get("/budgets/teams/demo", masterKey).json()
                    .path("spent").asText().equals("0"));
            teamBudgetAfterFirstRun = http.get("/budgets/teams/demo", masterKey).json().path("spent").asText();

            assertThatThrownBy(() -> RunningGateway.start(List.of(), "tollgate.data-dir=" + dataDir,
                    "tollgate.master-key="))
                    .as("a second Tollgate on the same data folder stops with a clear message, the first keeps running")
                    .hasStackTraceContaining("Another Tollgate is running on the data folder");
            assertThat(http.get("/budgets/teams/demo", masterKey).status()).isEqualTo(200);
        }

        try (RunningGateway again = RunningGateway.start(List.of(), "tollgate.data-dir=" + dataDir,
                "tollgate.master-key=")) {
            assertThat(Files.readString(dataDir.resolve("master-key")).trim()).isEqualTo(masterKey);
            JsonNode team = again.http().get("/budgets/teams/demo", masterKey).json();
            assertThat(team.path("spent").asText()).isEqualTo(teamBudgetAfterFirstRun);
            assertThat(again.http().get("/v1/models", masterKey).status()).as("the master key is not an API key")
                    .isEqualTo(401);
        }
    }
}
