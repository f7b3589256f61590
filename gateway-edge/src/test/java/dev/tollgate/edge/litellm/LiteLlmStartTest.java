package dev.tollgate.edge.litellm;

import dev.tollgate.edge.support.FakeUpstream;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tollgate started on a LiteLLM config serves and prices its models like configured ones. */
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
}
