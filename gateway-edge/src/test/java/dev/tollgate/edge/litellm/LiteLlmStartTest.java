package dev.tollgate.edge.litellm;

import dev.tollgate.edge.support.FakeUpstream;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import dev.tollgate.edge.support.ScriptedUpstream;
import dev.tollgate.edge.support.ScriptedUpstream.Hit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.tollgate.edge.support.ScriptedUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tollgate started on a LiteLLM config serves and prices its models like configured ones, and routes between the
 * entries of one model_name as the file's router_settings say.
 */
class LiteLlmStartTest {

    static final String MASTER = "test-master-key-litellm-0123456789";

    @Test
    void aGatewayStartedOnALiteLlmConfigServesItsModelAtItsPrice(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: litellm-gpt
                    litellm_params:
                      model: openai/up-normal
                      api_base: %s
                    model_info:
                      input_cost_per_token: 0.000001
                      output_cost_per_token: 2e-06
                  - model_name: litellm-sagemaker
                    litellm_params:
                      model: sagemaker/some-endpoint
                router_settings:
                  num_retries: 2
                """.formatted(FakeUpstream.shared().baseUrl()));

        try (RunningGateway gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dir.resolve("data"),
                "tollgate.master-key=" + MASTER, "tollgate.litellm-config=" + config)) {
            Http http = gateway.http();
            assertThat(http.post("/admin/teams", MASTER, Map.of("id", "lt", "name", "LiteLLM team",
                    "budget", Map.of("unlimited", true, "period", "monthly"),
                    "member_budget", Map.of("unlimited", true, "period", "monthly"))).status()).isEqualTo(201);
            assertThat(http.post("/admin/users", MASTER, Map.of("id", "lu", "team_id", "lt", "name", "U")).status())
                    .isEqualTo(201);
            String key = http.post("/admin/keys", MASTER, Map.of("name", "k", "user_id", "lu")).json()
                    .path("key").asText();

            Http.Response answer = http.post("/v1/chat/completions", key, Map.of("model", "litellm-gpt",
                    "messages", List.of(Map.of("role", "user", "content", "Hi"))));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            // 12 prompt tokens at 1/M + 20 completion tokens at 2/M (the fake upstream's usage)
            assertThat(answer.header("x-tollgate-cost")).isEqualTo("0.000052");

            Http.Response refused = http.post("/v1/chat/completions", key, Map.of("model", "litellm-sagemaker",
                    "messages", List.of(Map.of("role", "user", "content", "Hi"))));
            assertThat(refused.status()).as("a refused entry is not served").isEqualTo(404);
        }
    }

    @Test
    void theEntriesOfOneModelNameAreItsDeploymentsRetriedAndFallenBackAsTheRouterSettingsSay(@TempDir Path dir)
            throws Exception {
        List<Hit> log = ScriptedUpstream.newLog();
        try (ScriptedUpstream a = new ScriptedUpstream("a", log); ScriptedUpstream b = new ScriptedUpstream("b", log);
             ScriptedUpstream c = new ScriptedUpstream("c", log)) {
            Path config = dir.resolve("config.yaml");
            // pool-a weighs 1000 times pool-b: the weighted shuffle (simple-shuffle) nearly always tries it first
            Files.writeString(config, """
                    model_list:
                      - model_name: lt-pool
                        litellm_params: {model: openai/pool-a, api_base: "%s", weight: 1000, rpm: 100}
                        model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                      - model_name: lt-pool
                        litellm_params: {model: openai/pool-b, api_base: "%s", weight: 1, rpm: 100}
                        model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                      - model_name: lt-backup
                        litellm_params: {model: openai/backup, api_base: "%s"}
                        model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                    router_settings:
                      routing_strategy: simple-shuffle
                      num_retries: 1
                      allowed_fails: 100
                      fallbacks: [{"lt-pool": ["lt-backup", "lt-gone"]}]
                    """.formatted(a.baseUrl(), b.baseUrl(), c.baseUrl()));
            a.always("pool-a", status(500));

            try (RunningGateway gateway = RunningGateway.start(List.of("test"),
                    "tollgate.data-dir=" + dir.resolve("data"), "tollgate.master-key=" + MASTER,
                    "tollgate.litellm-config=" + config, "tollgate.edge.expose-upstream-details=true")) {
                Http http = gateway.http();
                String key = newKey(http);

                // the first deployment fails: the request is retried on the second, which answers
                Http.Response retried = null;
                for (int i = 0; i < 20 && retried == null; i++) {
                    Http.Response answer = ask(http, key, "lt-pool");
                    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                    assertThat(answer.header("x-tollgate-deployment")).isEqualTo("lt-pool@openai/pool-b");
                    if ("2".equals(answer.header("x-tollgate-attempts"))) {
                        retried = answer;
                    }
                }
                assertThat(retried).as("a request tried pool-a first").isNotNull();
                assertThat(retried.header("x-tollgate-model")).isEqualTo("lt-pool");
                int end = log.size();
                assertThat(log.subList(end - 2, end)).extracting(Hit::toString).containsExactly("a:pool-a", "b:pool-b");

                // both deployments fail: num_retries 1 gives each one attempt, then the fallback answers
                b.always("pool-b", status(503));
                log.clear();
                Http.Response fellBack = ask(http, key, "lt-pool");
                assertThat(fellBack.status()).as(fellBack.body()).isEqualTo(200);
                assertThat(fellBack.header("x-tollgate-model")).isEqualTo("lt-backup");
                assertThat(fellBack.header("x-tollgate-attempts")).isEqualTo("3");
                assertThat(log).extracting(Hit::toString).hasSize(3)
                        .containsSubsequence("c:backup").contains("a:pool-a", "b:pool-b");
                assertThat(log.get(2).toString()).isEqualTo("c:backup");
            }
        }
    }

    static String newKey(Http http) {
        assertThat(http.post("/admin/teams", MASTER, Map.of("id", "lt", "name", "LiteLLM team",
                "budget", Map.of("unlimited", true, "period", "monthly"),
                "member_budget", Map.of("unlimited", true, "period", "monthly"))).status()).isEqualTo(201);
        assertThat(http.post("/admin/users", MASTER, Map.of("id", "lu", "team_id", "lt", "name", "U")).status())
                .isEqualTo(201);
        return http.post("/admin/keys", MASTER, Map.of("name", "k", "user_id", "lu")).json().path("key").asText();
    }

    static Http.Response ask(Http http, String key, String model) {
        return http.post("/v1/chat/completions", key, Map.of("model", model,
                "messages", List.of(Map.of("role", "user", "content", "Hi"))));
    }
}
