package dev.tollgate.edge.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard (docs/grafana) and the Prometheus alert rules (docs/prometheus) use only metrics that
 * /actuator/prometheus exports: every name in their queries is in a scrape taken after some traffic.
 */
class DashboardMetricsTest extends GatewayTestSupport {

    static final Path DOCS = Path.of("..", "docs");
    static final Pattern METRIC = Pattern.compile("\\btollgate_[a-z_]+\\b");

    static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DOCS.resolve("grafana/tollgate-dashboard.json").toFile());
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets")
                .forEach(target -> queries.add(target.path("expr").asText())));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("query").isTextual()) {
                queries.add(variable.path("query").asText());
            }
        });
        return queries;
    }

    @SuppressWarnings("unchecked")
    static List<String> alertQueries() throws IOException {
        Map<String, Object> rules = new Yaml().load(Files.readString(DOCS.resolve("prometheus/tollgate-alerts.yaml")));
        List<String> queries = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                assertThat(rule).containsKeys("alert", "expr", "labels", "annotations");
                queries.add(rule.get("expr").toString());
            }
        }
        return queries;
    }

    static Set<String> metricsIn(List<String> queries) {
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher matcher = METRIC.matcher(query);
            while (matcher.find()) {
                names.add(matcher.group());
            }
        }
        return names;
    }

    @Test
    void everyMetricTheDashboardAndTheAlertRulesUseIsExported() throws IOException {
        String team = newTeam("100", null, "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        assertThat(chat(key, "gpt-cheap", Map.of()).status()).isEqualTo(200);
        assertThat(chat(key, "gpt-cheap", Map.of("stream", true)).status()).isEqualTo(200);

        List<String> queries = new ArrayList<>(dashboardQueries());
        List<String> alerts = alertQueries();
        assertThat(alerts).as("database, processor lag, cooldown")
                .anyMatch(q -> q.contains("tollgate_database_up"))
                .anyMatch(q -> q.contains("tollgate_event_processor_lag"))
                .anyMatch(q -> q.contains("state=\"cooldown\""));
        queries.addAll(alerts);
        Set<String> used = metricsIn(queries);
        assertThat(used).hasSizeGreaterThanOrEqualTo(10);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Http.Response scrape = http().get("/actuator/prometheus", MASTER_KEY);
            assertThat(scrape.status()).isEqualTo(200);
            Set<String> exported = new TreeSet<>();
            scrape.body().lines().filter(line -> !line.startsWith("#"))
                    .map(line -> line.split("[{ ]", 2)[0]).forEach(exported::add);
            assertThat(exported).as("exported after traffic").containsAll(used);
        });
        String scrape = http().get("/actuator/prometheus", MASTER_KEY).body();
        String up = scrape.lines().filter(line -> line.startsWith("tollgate_database_up")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(up.substring(up.lastIndexOf(' ') + 1))).as("the database answers")
                .isEqualTo(1);
    }
}
