package dev.tollgate.edge.pricesource;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.edge.support.FakeUpstream;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A price source served by a local HTTP server whose table changes: at start it prices the LiteLLM config's model
 * that has no model_info costs; each change of its table becomes a pending proposal with its diff, which changes
 * nothing until an admin approves it (or rejects it); the audit trail names who decided. Sources at private and
 * link-local addresses are refused by the SSRF guard.
 */
class PriceSourcesTest {

    static final String MASTER = "test-master-key-prices-0123456789";

    static String table(String output) {
        return """
                {"gpt-4o-mini": {"input_cost_per_token": 1.5e-07, "output_cost_per_token": %s,
                                 "litellm_provider": "openai", "mode": "chat"},
                 "sample_spec": {"input_cost_per_token": 0, "output_cost_per_token": 0}}
                """.formatted(output);
    }

    @Test
    void aSourcePricesUnpricedModelsAtStartAndProposesEachChangeForAnAdminToDecide(@TempDir Path dir)
            throws Exception {
        AtomicReference<String> served = new AtomicReference<>(table("6e-07"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/prices.json", exchange -> {
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Path config = dir.resolve("config.yaml");
        // as in LiteLLM's own examples: a model with no model_info costs
        Files.writeString(config, """
                model_list:
                  - model_name: lt-unpriced
                    litellm_params:
                      model: openai/up-normal
                      api_base: %s
                """.formatted(FakeUpstream.shared().baseUrl()));
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/prices.json";
        try (RunningGateway gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dir.resolve("data"),
                "tollgate.master-key=" + MASTER, "tollgate.litellm-config=" + config,
                "tollgate.pricing.unpriced-from=litellm",
                "tollgate.pricing.sources[0].id=litellm", "tollgate.pricing.sources[0].url=" + url,
                "tollgate.pricing.sources[0].check-interval=0s",
                "tollgate.pricing.sources[0].models[lt-unpriced]=gpt-4o-mini",
                "tollgate.pricing.sources[1].id=metadata",
                "tollgate.pricing.sources[1].url=http://169.254.169.254/latest/prices.json",
                "tollgate.pricing.sources[1].format=tollgate",
                "tollgate.pricing.sources[2].id=intranet",
                "tollgate.pricing.sources[2].url=http://10.1.2.3/prices.json")) {
            Http http = gateway.http();
            String key = newKey(http);

            // at start: priced from the source, as a version that names it
            JsonNode versions = http.get("/admin/prices", MASTER).json().path("data");
            JsonNode fromSource = null;
            for (JsonNode version : versions) {
                if (version.path("source").asText().equals("source:litellm")) {
                    fromSource = version;
                }
            }
            assertThat(fromSource).as(versions.toString()).isNotNull();
            assertThat(fromSource.path("actor").asText()).isEqualTo("price-source:litellm");
            assertThat(fromSource.path("changed").toString()).isEqualTo("[\"lt-unpriced\"]");
            // 12 prompt tokens at 0.15/M + 20 completion tokens at 0.6/M (the fake upstream's usage)
            assertThat(cost(http, key)).isEqualTo("0.0000138");

            assertThat(check(http, "litellm").path("status").asText()).isEqualTo("unchanged");

            served.set(table("8e-07"));
            JsonNode proposed = check(http, "litellm");
            assertThat(proposed.path("status").asText()).isEqualTo("proposed");
            String proposalId = proposed.path("proposal_id").asText();
            assertThat(proposed.path("changes")).hasSize(1);
            JsonNode change = proposed.path("changes").get(0);
            assertThat(change.path("model").asText()).isEqualTo("lt-unpriced");
            assertThat(change.path("field").asText()).isEqualTo("output");
            assertThat(change.path("old_value").asText()).isEqualTo("0.6");
            assertThat(change.path("new_value").asText()).isEqualTo("0.8");
            assertThat(check(http, "litellm").path("proposal_id").asText()).as("the same change, proposed once")
                    .isEqualTo(proposalId);
            JsonNode pending = http.get("/admin/prices/proposals?status=pending", MASTER).json().path("data");
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).path("changes").get(0).path("new_value").asText()).isEqualTo("0.8");
            assertThat(cost(http, key)).as("nothing changes before approval").isEqualTo("0.0000138");

            Http.Response refused = http.post("/admin/prices/proposals/" + proposalId + "/approve", MASTER, Map.of());
            assertThat(refused.status()).as("an approval needs a reason").isEqualTo(400);
            Http.Response approved = http.post("/admin/prices/proposals/" + proposalId + "/approve", MASTER,
                    Map.of("reason", "matches OpenAI's price page"));
            assertThat(approved.status()).as(approved.body()).isEqualTo(200);
            assertThat(approved.json().path("status").asText()).isEqualTo("approved");
            assertThat(approved.json().path("decided_by").asText()).isEqualTo("master");
            assertThat(approved.json().path("price_version").asInt()).isPositive();
            assertThat(cost(http, key)).as("20 completion tokens at 0.8/M").isEqualTo("0.0000178");
            await().untilAsserted(() -> assertThat(http.get("/audit?entity=price_proposal:" + proposalId, MASTER)
                    .json().path("data").findValuesAsText("action"))
                    .containsExactly("prices.proposal_approved", "prices.proposed"));
            assertThat(http.get("/audit?entity=price_proposal:" + proposalId + "&action=prices.proposal_approved",
                    MASTER).json().path("data").get(0).path("actor").asText()).isEqualTo("master");
            assertThat(http.post("/admin/prices/proposals/" + proposalId + "/approve", MASTER,
                    Map.of("reason", "twice")).status()).isEqualTo(409);

            served.set(table("9e-07"));
            String second = check(http, "litellm").path("proposal_id").asText();
            assertThat(second).isNotEqualTo(proposalId);
            Http.Response rejected = http.post("/admin/prices/proposals/" + second + "/reject", MASTER,
                    Map.of("reason", "a typo upstream"));
            assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
            assertThat(rejected.json().path("status").asText()).isEqualTo("rejected");
            assertThat(cost(http, key)).as("a rejected proposal changes nothing").isEqualTo("0.0000178");
            assertThat(check(http, "litellm").path("status").asText()).as("rejected stays rejected")
                    .isEqualTo("rejected");

            // the SSRF guard: cloud metadata (link-local) and private networks are refused; nothing is proposed
            for (String source : List.of("metadata", "intranet")) {
                Http.Response blocked = http.post("/admin/prices/sources/" + source + "/check", MASTER, Map.of());
                assertThat(blocked.status()).as(blocked.body()).isEqualTo(502);
                assertThat(blocked.json().path("error").path("code").asText()).isEqualTo("price_source_unavailable");
                assertThat(http.get("/admin/prices/proposals?source_id=" + source, MASTER).json().path("data"))
                        .isEmpty();
            }
            assertThat(http.post("/admin/prices/sources/nope/check", MASTER, Map.of()).status()).isEqualTo(404);
        } finally {
            server.stop(0);
        }
    }

    static JsonNode check(Http http, String source) {
        Http.Response answer = http.post("/admin/prices/sources/" + source + "/check", MASTER, Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    static String cost(Http http, String key) {
        Http.Response answer = http.post("/v1/chat/completions", key, Map.of("model", "lt-unpriced",
                "messages", List.of(Map.of("role", "user", "content", "Hi"))));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.header("x-tollgate-cost");
    }

    static String newKey(Http http) {
        assertThat(http.post("/admin/teams", MASTER, Map.of("id", "pt", "name", "Prices team",
                "budget", Map.of("unlimited", true, "period", "monthly"),
                "member_budget", Map.of("unlimited", true, "period", "monthly"))).status()).isEqualTo(201);
        assertThat(http.post("/admin/users", MASTER, Map.of("id", "pu", "team_id", "pt", "name", "U")).status())
                .isEqualTo(201);
        return http.post("/admin/keys", MASTER, Map.of("name", "k", "user_id", "pu")).json().path("key").asText();
    }
}
