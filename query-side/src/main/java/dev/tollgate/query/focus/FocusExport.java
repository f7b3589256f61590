package dev.tollgate.query.focus;

import dev.tollgate.query.support.Amounts;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger as FinOps FOCUS 1.2 rows (the FinOps Open Cost and Usage Specification): one {@code Usage} row per UTC
 * day × team × user × model × provider × tag set of the charged requests (settled or expired), and beside it one
 * {@code Adjustment} row ({@code ChargeClass} {@code Correction}) with what approved recalculations changed of them.
 * Costs are the ledger's, exact: list, contracted, effective and billed cost are the same amount, since Tollgate
 * charges its price book as it stands. Columns Tollgate has no value for are left out (they are conditional in the
 * specification); Tollgate's own columns are prefixed {@code x_}, as the specification asks.
 */
@Component
public class FocusExport {

    /** The ledger as a billing account. */
    public record Account(String currency, String billingAccountId, String billingAccountName) {
    }

    /** FOCUS columns in the order written, then Tollgate's own ({@code x_}). */
    public static final List<String> COLUMNS = List.of(
            "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
            "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
            "ChargePeriodEnd", "ChargePeriodStart", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
            "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingCategory", "PricingQuantity", "PricingUnit",
            "ProviderName", "PublisherName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory",
            "ServiceName", "ServiceSubcategory", "SkuId", "SubAccountId", "SubAccountName", "SubAccountType", "Tags",
            "x_UserId", "x_Model", "x_Provider", "x_Requests", "x_PromptTokens", "x_CompletionTokens");

    private static final String SQL = """
            SELECT (m.started_at AT TIME ZONE 'UTC')::date AS day, m.team_id, coalesce(m.user_id, '') AS user_id,
                   coalesce(m.model, '') AS model, coalesce(m.provider, '') AS provider, m.tags::text AS tags,
                   count(*) AS requests, coalesce(sum(m.prompt_tokens), 0) AS prompt_tokens,
                   coalesce(sum(m.completion_tokens), 0) AS completion_tokens, sum(m.cost) AS cost,
                   sum(coalesce(m.adjusted_cost, m.cost) - m.cost) AS adjustment,
                   count(*) FILTER (WHERE m.adjusted_cost IS NOT NULL) AS adjusted,
                   min(t.name) AS team_name
            FROM message_costs m LEFT JOIN teams t ON t.team_id = m.team_id
            WHERE m.outcome IN ('settled', 'expired') AND m.started_at >= ?::timestamptz
              AND m.started_at < ?::timestamptz %s
            GROUP BY 1, 2, 3, 4, 5, m.tags
            ORDER BY 1, 2, 3, 4, 5, 6
            """;

    private final DSLContext dsl;

    public FocusExport(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * The rows for requests started in [from, to), of the teams in {@code visibleTeams} ({@code null}: every team),
     * keyed by {@link #COLUMNS}; values are strings (decimals plain, instants ISO-8601 UTC), {@code null} for null.
     */
    public List<Map<String, Object>> rows(Instant from, Instant to, java.util.Set<String> visibleTeams,
                                          Account account) {
        List<Object> binds = new ArrayList<>(List.of(odt(from), odt(to)));
        String teams = "";
        if (visibleTeams != null) {
            teams = "AND m.team_id = ANY (?)";
            binds.add(visibleTeams.toArray(String[]::new));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Record record : dsl.resultQuery(SQL.formatted(teams), binds.toArray()).fetch()) {
            rows.add(usage(record, account));
            if (record.get("adjusted", Long.class) > 0
                    && record.get("adjustment", BigDecimal.class).signum() != 0) {
                rows.add(adjustment(record, account));
            }
        }
        return rows;
    }

    private static Map<String, Object> usage(Record record, Account account) {
        Map<String, Object> row = common(record, account);
        BigDecimal cost = record.get("cost", BigDecimal.class);
        long tokens = record.get("prompt_tokens", Long.class) + record.get("completion_tokens", Long.class);
        row.put("ChargeCategory", "Usage");
        row.put("ChargeClass", null);
        row.put("ChargeDescription", record.get("requests", Long.class) + " requests to "
                + record.get("model", String.class) + describeUser(record));
        row.put("ConsumedQuantity", Long.toString(tokens));
        row.put("ConsumedUnit", "Tokens");
        row.put("PricingQuantity", Long.toString(tokens));
        row.put("PricingUnit", "Tokens");
        costs(row, cost);
        row.put("x_Requests", record.get("requests", Long.class).toString());
        row.put("x_PromptTokens", record.get("prompt_tokens", Long.class).toString());
        row.put("x_CompletionTokens", record.get("completion_tokens", Long.class).toString());
        return row;
    }

    /** What approved recalculations changed of a usage row's cost: a correction of charges already made. */
    private static Map<String, Object> adjustment(Record record, Account account) {
        Map<String, Object> row = common(record, account);
        row.put("ChargeCategory", "Adjustment");
        row.put("ChargeClass", "Correction");
        row.put("ChargeDescription", "price correction of " + record.get("adjusted", Long.class) + " requests to "
                + record.get("model", String.class) + describeUser(record));
        row.put("ConsumedQuantity", null);
        row.put("ConsumedUnit", null);
        row.put("PricingQuantity", null);
        row.put("PricingUnit", null);
        costs(row, record.get("adjustment", BigDecimal.class));
        row.put("x_Requests", record.get("adjusted", Long.class).toString());
        row.put("x_PromptTokens", null);
        row.put("x_CompletionTokens", null);
        return row;
    }

    private static Map<String, Object> common(Record record, Account account) {
        LocalDate day = record.get("day", LocalDate.class);
        String model = record.get("model", String.class);
        String provider = record.get("provider", String.class);
        String user = record.get("user_id", String.class);
        Map<String, Object> row = new LinkedHashMap<>();
        COLUMNS.forEach(column -> row.put(column, null));
        row.put("BillingAccountId", account.billingAccountId());
        row.put("BillingAccountName", account.billingAccountName());
        row.put("BillingCurrency", account.currency());
        row.put("BillingPeriodStart", instant(day.withDayOfMonth(1)));
        row.put("BillingPeriodEnd", instant(day.withDayOfMonth(1).plusMonths(1)));
        row.put("ChargeFrequency", "Usage-Based");
        row.put("ChargePeriodStart", instant(day));
        row.put("ChargePeriodEnd", instant(day.plusDays(1)));
        row.put("InvoiceIssuerName", account.billingAccountName());
        row.put("PricingCategory", "Standard");
        row.put("ProviderName", provider.isEmpty() ? account.billingAccountName() : provider);
        row.put("PublisherName", provider.isEmpty() ? account.billingAccountName() : provider);
        row.put("ResourceId", model.isEmpty() ? null : model);
        row.put("ResourceName", model.isEmpty() ? null : model);
        row.put("ResourceType", model.isEmpty() ? null : "Model");
        row.put("ServiceCategory", "AI and Machine Learning");
        row.put("ServiceName", "LLM gateway");
        row.put("ServiceSubcategory", "Generative AI");
        row.put("SkuId", model.isEmpty() ? null : model);
        row.put("SubAccountId", record.get("team_id", String.class));
        String teamName = record.get("team_name", String.class);
        row.put("SubAccountName", teamName == null ? record.get("team_id", String.class) : teamName);
        row.put("SubAccountType", "Team");
        String tags = record.get("tags", String.class);
        row.put("Tags", tags == null || tags.isBlank() ? "{}" : tags);
        row.put("x_UserId", user.isEmpty() ? null : user);
        row.put("x_Model", model.isEmpty() ? null : model);
        row.put("x_Provider", provider.isEmpty() ? null : provider);
        return row;
    }

    private static void costs(Map<String, Object> row, BigDecimal cost) {
        String amount = Amounts.format(cost);
        row.put("BilledCost", amount);
        row.put("EffectiveCost", amount);
        row.put("ListCost", amount);
        row.put("ContractedCost", amount);
    }

    private static String describeUser(Record record) {
        String user = record.get("user_id", String.class);
        return (user.isEmpty() ? "" : " by " + user) + " in team " + record.get("team_id", String.class);
    }

    private static String instant(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
    }

    private static OffsetDateTime odt(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
