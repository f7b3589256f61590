package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prices without redeploys: a published version prices the requests that start after it is in force, each
 * settlement records its version, LiteLLM's table imports, and a model without a price is refused, never charged $0.
 * Only this class changes the prices of gpt-repriced, gpt-imported and gpt-unpriced.
 */
class PricesTest extends GatewayTestSupport {

    static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    String key;

    @BeforeEach
    void aKey() {
        key = newUserKey(newUser(newTeam(null, null, "clamp"), null), List.of());
    }

    Http.Response publish(Map<String, Object> prices, Instant effectiveFrom) {
        Map<String, Object> body = new HashMap<>(Map.of("prices", prices, "reason", "supplier changed its prices"));
        if (effectiveFrom != null) {
            body.put("effective_from", effectiveFrom.toString());
        }
        return http().put("/admin/prices", MASTER_KEY, body);
    }

    /** What a settled request cost, and under which version, next to its usage. */
    record Charged(BigDecimal cost, String version, long promptTokens, long completionTokens) {
        BigDecimal expected(String inputPerMillion, String outputPerMillion) {
            return new BigDecimal(inputPerMillion).multiply(BigDecimal.valueOf(promptTokens))
                    .add(new BigDecimal(outputPerMillion).multiply(BigDecimal.valueOf(completionTokens)))
                    .divide(MILLION);
        }
    }

    Charged charge(String model) {
        Http.Response answer = chat(key, model, Map.of("max_tokens", 200));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode row = messageCost(answer.header("x-request-id"));
        return new Charged(new BigDecimal(row.path("cost").asText()), row.path("price_version").asText(),
                row.path("usage").path("prompt_tokens").asLong(), row.path("usage").path("completion_tokens").asLong());
    }

    @Test
    void aPublishedVersionPricesTheNextRequestAndIsRecordedOnItsSettlement() {
        int first = publish(Map.of("gpt-repriced", Map.of("input", "1", "output", "2")), null).json()
                .path("number").asInt();
        Charged before = charge("gpt-repriced");
        assertThat(before.version()).isEqualTo("v" + first);
        assertThat(before.cost()).isEqualByComparingTo(before.expected("1", "2"));

        Http.Response published = publish(Map.of("gpt-repriced", Map.of("input", "3.5", "cached_input", "1",
                "output", "7.25")), null);
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        int second = published.json().path("number").asInt();
        assertThat(second).isGreaterThan(first);

        Charged after = charge("gpt-repriced");
        assertThat(after.version()).isEqualTo("v" + second);
        assertThat(after.cost()).isEqualByComparingTo(after.expected("3.5", "7.25"));
        assertThat(before.cost()).as("a new version never changes what was charged").isNotEqualByComparingTo(after.cost());

        JsonNode version = http().get("/admin/prices", MASTER_KEY).json().path("data").get(0);
        assertThat(version.path("number").asInt()).isEqualTo(second);
        assertThat(version.path("changed").get(0).asText()).isEqualTo("gpt-repriced");
        assertThat(version.path("actor").asText()).isEqualTo("master");
        assertThat(version.path("reason").asText()).isEqualTo("supplier changed its prices");
        assertThat(version.path("prices").path("gpt-repriced").path("output").asText()).isEqualTo("7.25");
        assertThat(version.path("prices").path("gpt-test").path("input").asText())
                .as("a version holds the whole book").isEqualTo("1");
        assertThat(http().get("/admin/prices/current", MASTER_KEY).json().path("number").asInt()).isEqualTo(second);
    }

    @Test
    void aVersionEffectiveLaterPricesOnlyRequestsStartedFromThen() {
        publish(Map.of("gpt-repriced", Map.of("input", "1", "output", "2")), null);
        Instant from = Instant.now().plusSeconds(3);
        int later = publish(Map.of("gpt-repriced", Map.of("input", "10", "output", "20")), from).json()
                .path("number").asInt();

        Charged now = charge("gpt-repriced");
        if (Instant.now().isBefore(from.minusMillis(500))) {
            assertThat(now.cost()).isEqualByComparingTo(now.expected("1", "2"));
            assertThat(now.version()).isNotEqualTo("v" + later);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(from));
        Charged then = charge("gpt-repriced");
        assertThat(then.version()).isEqualTo("v" + later);
        assertThat(then.cost()).isEqualByComparingTo(then.expected("10", "20"));
    }

    @Test
    void perRequestAndReasoningPricesAreCharged() {
        int version = publish(Map.of("gpt-repriced", Map.of("input", "1", "output", "2", "reasoning", "4",
                "per_request", "0.01", "per_image", "0.002")), null).json().path("number").asInt();
        Charged charged = charge("gpt-repriced");
        assertThat(charged.version()).isEqualTo("v" + version);
        assertThat(charged.cost()).isEqualByComparingTo(charged.expected("1", "2").add(new BigDecimal("0.01")));
    }

    @Test
    void aModelWithoutAPriceIsRefusedUntilOneIsPublishedAndAFreeModelIsChargedNothing() {
        Http.Response refused = chat(key, "gpt-unpriced", Map.of());
        assertThat(refused.status()).isEqualTo(503);
        JsonNode error = refused.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("model_not_priced");
        assertThat(error.path("message").asText()).contains("gpt-unpriced").contains("PUT /admin/prices");
        assertThat(refused.header("x-should-retry")).isEqualTo("false");
        assertThat(http().get("/spend/messages/" + refused.header("x-request-id"), MASTER_KEY).status())
                .as("nothing reserved").isEqualTo(404);

        Charged free = charge("gpt-free");
        assertThat(free.cost()).isEqualByComparingTo("0");
        assertThat(free.version()).matches("v\\d+");

        Http.Response incomplete = publish(Map.of("gpt-unpriced", Map.of("input", "1")), null);
        assertThat(incomplete.status()).as("an output price is needed, or free: true").isEqualTo(400);
        assertThat(publish(Map.of("gpt-unpriced", Map.of("input", "1", "output", "1")), null).status()).isEqualTo(200);
        Charged priced = charge("gpt-unpriced");
        assertThat(priced.cost()).isEqualByComparingTo(priced.expected("1", "1"));
    }

    @Test
    void importsLiteLlmsTableGivenInline() {
        Map<String, Object> table = Map.of("sample_spec", Map.of("input_cost_per_token", 0),
                "vendor/imported-model", Map.of("input_cost_per_token", new BigDecimal("2.5e-06"),
                        "output_cost_per_token", new BigDecimal("1.0e-05"),
                        "cache_read_input_token_cost", new BigDecimal("1.25e-06"), "litellm_provider", "openai"));
        Http.Response imported = http().post("/admin/prices/import", MASTER_KEY, Map.of("data", table,
                "models", Map.of("gpt-imported", "vendor/imported-model"), "reason", "start from the community table"));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.json().path("matched").path("gpt-imported").asText()).isEqualTo("vendor/imported-model");
        assertThat(imported.json().path("missing").toString()).contains("gpt-test");

        Charged charged = charge("gpt-imported");
        assertThat(charged.version()).isEqualTo("v" + imported.json().path("number").asInt());
        assertThat(charged.cost()).isEqualByComparingTo(charged.expected("2.5", "10"));
        JsonNode version = http().get("/admin/prices", MASTER_KEY).json().path("data").get(0);
        assertThat(version.path("source").asText()).isEqualTo("litellm");
        assertThat(version.path("changed").toString()).isEqualTo("[\"gpt-imported\"]");
        assertThat(charge("gpt-test").expected("1", "2")).as("models not in the table keep their prices")
                .isEqualByComparingTo(new BigDecimal("0.000412"));
    }

    @Test
    void importsLiteLlmsTableFromAUrl() throws IOException {
        byte[] table = """
                {"gpt-imported": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.2e-05,
                                  "max_tokens": 4096, "litellm_provider": "openai", "mode": "chat"}}
                """.getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/model_prices_and_context_window.json", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, table.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(table);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/model_prices_and_context_window.json";
            Http.Response imported = http().post("/admin/prices/import", MASTER_KEY, Map.of("url", url,
                    "reason", "monthly refresh"));
            assertThat(imported.status()).as(imported.body()).isEqualTo(201);
            Charged charged = charge("gpt-imported");
            assertThat(charged.cost()).isEqualByComparingTo(charged.expected("3", "12"));

            Http.Response missing = http().post("/admin/prices/import", MASTER_KEY, Map.of("url",
                    url.replace("model_prices", "nothing_here"), "reason", "x"));
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().path("error").path("param").asText()).isEqualTo("url");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fetchesPriceTablesOnlyFromAllowedHostsAndNeverRepeatsWhatAServerSent() throws IOException {
        String secret = "root-password-hunter2";
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] page = (secret + " is not a price table").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            for (String url : List.of("http://localhost:" + port + "/table.json", "http://[::1]:" + port + "/",
                    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                    "http://10.0.0.1/prices.json", "file:///etc/passwd", "http://user:pw@127.0.0.1:" + port + "/",
                    "http://127.0.0.1:" + port + "/not-a-table")) {
                Http.Response refused = http().post("/admin/prices/import", MASTER_KEY, Map.of("url", url,
                        "reason", "monthly refresh"));
                assertThat(refused.status()).as(url + ": " + refused.body()).isEqualTo(400);
                assertThat(refused.json().path("error").path("param").asText()).as(url).isEqualTo("url");
                assertThat(refused.body()).as(url).doesNotContain(secret).doesNotContain("password");
            }
            Http.Response loopback = http().post("/admin/prices/import", MASTER_KEY, Map.of("url",
                    "http://localhost:" + port + "/table.json", "reason", "x"));
            assertThat(loopback.json().path("error").path("message").asText())
                    .isEqualTo("Could not fetch 'url': the host resolves to a loopback address, which Tollgate does "
                            + "not fetch from unless tollgate.outbound.allowed-hosts names it.");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void refusesPricesThatMakeNoSense() {
        assertThat(publish(Map.of("gpt-nonexistent", Map.of("input", "1", "output", "1")), null).status())
                .isEqualTo(400);
        assertThat(publish(Map.of("gpt-repriced", Map.of("input", "-1", "output", "1")), null).status())
                .isEqualTo(400);
        assertThat(http().put("/admin/prices", MASTER_KEY, Map.of("prices", Map.of("gpt-repriced",
                Map.of("input", "1", "output", "1")))).json().path("error").path("param").asText()).isEqualTo("reason");
        assertThat(http().put("/admin/prices", MASTER_KEY, Map.of("reason", "x")).status()).isEqualTo(400);
        assertThat(http().post("/admin/prices/import", MASTER_KEY, Map.of("reason", "x")).status()).isEqualTo(400);
        assertThat(http().post("/admin/prices/import", MASTER_KEY, Map.of("reason", "x",
                "data", Map.of("someone-else", Map.of("input_cost_per_token", 1e-6, "output_cost_per_token", 1e-6))))
                .json().path("error").path("param").asText()).isEqualTo("models");
    }

    /**
     * A price entry of any odd shape (null, a number or a string for the object, fields missing, amounts negative,
     * too long or of the wrong type) is a 400 whose {@code param} names the entry or its field, never a 500, and the
     * price book is unchanged.
     */
    @Test
    void aPriceEntryOfTheWrongShapeIsA400NamingIt() {
        int before = http().get("/admin/prices/current", MASTER_KEY).json().path("number").asInt();
        String model = "gpt-repriced";
        String[][] cases = {
                {"null", "prices." + model},
                {"1", "prices." + model},
                {"\"1\"", "prices." + model},
                {"[]", "prices." + model},
                {"{}", "prices." + model},
                {"{\"input\":\"1\"}", "prices." + model},
                {"{\"input\":null,\"output\":null}", "prices." + model},
                {"{\"input\":\"-1\",\"output\":\"1\"}", "prices." + model},
                {"{\"input\":\"1\",\"output\":\"" + "9".repeat(40) + "\"}", "prices." + model},
                {"{\"input\":\"1\",\"output\":\"0." + "1".repeat(40) + "\"}", "prices." + model},
                {"{\"input\":\"1\",\"output\":\"1\",\"per_request\":\"-0.01\"}", "prices." + model},
                {"{\"input\":\"1\",\"output\":\"1\",\"per_image\":\"1e3\"}", "prices." + model},
                {"{\"input\":\"1\",\"output\":\"1\",\"image_prices\":{\"1024x1024\":null}}", "prices." + model},
                {"{\"input\":\"1\",\"output\":\"1\",\"image_prices\":{\"big\":\"1\"}}", "prices." + model},
                {"{\"free\":true,\"input\":\"1\"}", "prices." + model},
                {"{\"input\":{},\"output\":\"1\"}", "prices." + model + ".input"},
                {"{\"input\":\"1\",\"output\":\"1\",\"image_prices\":\"x\"}",
                        "prices." + model + ".image_prices"},
        };
        for (String[] entry : cases) {
            String body = "{\"prices\":{\"" + model + "\":" + entry[0] + "},\"reason\":\"odd shapes\"}";
            RawHttp.Response answer = new RawHttp("127.0.0.1", port).send("PUT", "/admin/prices", MASTER_KEY, body);
            assertThat(answer.status()).as(body + ": " + answer.body()).isEqualTo(400);
            JsonNode error = answer.jsonOrNull().path("error");
            assertThat(error.path("type").asText()).as(body).isEqualTo("invalid_request_error");
            assertThat(error.path("param").asText()).as(body + ": " + answer.body()).isEqualTo(entry[1]);
            String message = error.path("message").asText();
            assertThat(message).as(body).contains(model).doesNotContain("java.", "Exception", "..");
            assertThat(message.indexOf(model)).as("the model named once: " + message)
                    .isEqualTo(message.lastIndexOf(model));
        }
        assertThat(http().get("/admin/prices/current", MASTER_KEY).json().path("number").asInt())
                .as("no version published").isEqualTo(before);
    }
}
