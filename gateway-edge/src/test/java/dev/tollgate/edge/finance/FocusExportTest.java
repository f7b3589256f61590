package dev.tollgate.edge.finance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GET /reports/focus writes FinOps FOCUS 1.2: its columns are the specification's (names and types, checked against
 * the specification's list in focus/focus-1.2-columns.csv) or Tollgate's own with the x_ prefix; usage rows per day ×
 * team × user × model × provider × tags; approved corrections as Adjustment rows of their own.
 */
class FocusExportTest extends GatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The specification's columns: name → {data type, feature level}. */
    static Map<String, String[]> specification() throws IOException {
        try (InputStream in = FocusExportTest.class.getResourceAsStream("/focus/focus-1.2-columns.csv")) {
            Map<String, String[]> columns = new LinkedHashMap<>();
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .forEach(line -> {
                        String[] parts = line.split(",");
                        columns.put(parts[0], new String[]{parts[1], parts[2]});
                    });
            return columns;
        }
    }

    @Test
    void theExportHasFocusColumnsOfTheirTypesUsageRowsPerGroupAndCorrectionsAsAdjustmentRows() throws Exception {
        // after the price book's seeding at start: a correction from here decides the requests below
        Instant before = Instant.now();
        String team = newTeam(null, "1", "clamp");
        String user = newUser(team, null);
        String key = newUserKey(user, List.of());
        String course = unique("course");
        List<String> requests = new ArrayList<>();
        for (Map<String, Object> extra : List.of(Map.<String, Object>of("metadata", Map.of("course", course)),
                Map.<String, Object>of("metadata", Map.of("course", course)), Map.<String, Object>of())) {
            Http.Response answer = chat(key, "gpt-focus", extra);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            requests.add(answer.header("x-request-id"));
        }
        requests.forEach(this::messageCost);

        Http.Response corrected = http().put("/admin/prices", MASTER_KEY, Map.of("effective_from", before.toString(),
                "reason", "the provider corrected its output price",
                "prices", Map.of("gpt-focus", Map.of("input", "1", "output", "3"))));
        assertThat(corrected.status()).as(corrected.body()).isEqualTo(200);
        // A correction in force from further back than PriceAdminController's threshold starts the recalculation by
        // itself (a slow machine gets there); otherwise it is started here.
        String recalculation = corrected.json().path("recalculation_id").asText(null);
        if (recalculation == null) {
            Http.Response started = http().post("/admin/recalculations", MASTER_KEY, Map.of("from", before.toString(),
                    "reason", "the output price correction"));
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            recalculation = started.json().path("id").asText();
        }
        String id = recalculation;
        await().atMost(Duration.ofSeconds(60)).until(() -> http().get("/admin/recalculations/" + id,
                MASTER_KEY).json().path("status").asText().equals("ready"));
        assertThat(http().post("/admin/recalculations/" + id + "/approve", MASTER_KEY,
                Map.of("reason", "checked")).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> http().get("/spend/messages/" + requests.get(2),
                MASTER_KEY).json().hasNonNull("adjusted_cost"));

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String path = "/reports/focus?from=" + today;
        List<Map<String, String>> rows = await().until(() -> rowsOf(http().get(path, MASTER_KEY), team),
                r -> r.size() == 4);
        Http.Response export = http().get(path, MASTER_KEY);
        assertThat(export.header("content-type")).startsWith("text/csv");
        List<String> header = records(export.body()).get(0);

        Map<String, String[]> specification = specification();
        assertThat(specification).as("FOCUS 1.2 has 57 columns").hasSize(57);
        assertThat(header).allSatisfy(column -> assertThat(specification.containsKey(column)
                || column.startsWith("x_")).as(column + " is a FOCUS 1.2 column or prefixed x_").isTrue());
        assertThat(header).as("every mandatory column").containsAll(specification.entrySet().stream()
                .filter(e -> e.getValue()[1].equals("Mandatory")).map(Map.Entry::getKey).toList());
        assertThat(header).doesNotHaveDuplicates();
        for (Map<String, String> row : rows) {
            row.forEach((column, value) -> {
                if (value.isEmpty() || !specification.containsKey(column)) {
                    return;
                }
                switch (specification.get(column)[0]) {
                    case "Decimal" -> assertThat(new BigDecimal(value).toPlainString()).as(column)
                            .isEqualTo(value);
                    case "Date/Time" -> assertThat(Instant.parse(value)).as(column).isNotNull();
                    case "JSON" -> assertThat(readJson(value).isObject()).as(column).isTrue();
                    default -> assertThat(value).as(column).isNotBlank();
                }
            });
            assertThat(row.get("BilledCost")).isNotEmpty();
            assertThat(row.get("BillingCurrency")).isEqualTo("USD");
            assertThat(row.get("ChargePeriodStart")).isEqualTo(today + "T00:00:00Z");
            assertThat(row.get("BillingPeriodStart")).isEqualTo(today.substring(0, 8) + "01T00:00:00Z");
            assertThat(row.get("SubAccountId")).isEqualTo(team);
            assertThat(row.get("x_UserId")).isEqualTo(user);
            assertThat(row.get("ServiceCategory")).isEqualTo("AI and Machine Learning");
        }

        Map<String, List<Map<String, String>>> byCategory = rows.stream()
                .collect(Collectors.groupingBy(r -> r.get("ChargeCategory")));
        assertThat(byCategory.get("Usage")).hasSize(2);
        assertThat(byCategory.get("Adjustment")).hasSize(2)
                .allSatisfy(r -> assertThat(r.get("ChargeClass")).isEqualTo("Correction"));
        Map<String, String> tagged = byCategory.get("Usage").stream()
                .filter(r -> readJson(r.get("Tags")).path("course").asText().equals(course)).findFirst().orElseThrow();
        assertThat(tagged.get("x_Requests")).isEqualTo("2");
        assertThat(tagged.get("ChargeClass")).isEmpty();
        assertThat(tagged.get("ConsumedUnit")).isEqualTo("Tokens");
        BigDecimal usage = byCategory.get("Usage").stream().map(r -> new BigDecimal(r.get("BilledCost")))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal adjustments = byCategory.get("Adjustment").stream().map(r -> new BigDecimal(r.get("BilledCost")))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(adjustments.signum()).as("a higher output price costs more").isPositive();
        JsonNode report = http().get("/reports/spend?group_by=team&team_id=" + team, MASTER_KEY).json();
        assertThat(usage).as("usage is what was charged").isEqualByComparingTo(report.path("totals").path("cost")
                .asText());
        assertThat(usage.add(adjustments)).as("with the corrections: the net cost")
                .isEqualByComparingTo(report.path("totals").path("net_cost").asText());
    }

    @Test
    void financeAndAdminsExportManagersDoNot() {
        String team = newTeam(null, "1", "clamp");
        Credential finance = newCredential("finance", null, null);
        Credential manager = newCredential("manager", List.of(team), null);
        assertThat(http().get("/reports/focus", finance.secret()).status()).isEqualTo(200);
        Http.Response refused = http().get("/reports/focus", manager.secret());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("error").path("message").asText()).contains("admins and finance");
        assertThat(http().get("/reports/focus?from=2026-02-01&to=2026-01-01", MASTER_KEY).status()).isEqualTo(400);
    }

    private static JsonNode readJson(String value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + value, e);
        }
    }

    /** The rows of one team, keyed by column. */
    private static List<Map<String, String>> rowsOf(Http.Response export, String team) {
        List<List<String>> records = records(export.body());
        List<String> header = records.get(0);
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> fields : records.subList(1, records.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), fields.get(i));
            }
            if (team.equals(row.get("SubAccountId"))) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** The export's records (RFC 4180), header first, read with Jackson's CSV parser. */
    static List<List<String>> records(String csv) {
        try (MappingIterator<List<String>> records = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .readerForListOf(String.class).readValues(csv)) {
            return records.readAll();
        } catch (IOException e) {
            throw new AssertionError("not CSV: " + e.getMessage(), e);
        }
    }

}
