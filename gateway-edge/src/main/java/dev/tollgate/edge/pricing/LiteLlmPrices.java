package dev.tollgate.edge.pricing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.InvalidValue;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.DecimalText;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.edge.catalog.CatalogModel;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads LiteLLM's community price table ({@code model_prices_and_context_window.json}: model → per-token costs) into
 * price book entries for the configured models. Costs per token become prices per million tokens, exactly: the
 * numbers are read as decimals, never through a double.
 */
public final class LiteLlmPrices {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private LiteLlmPrices() {
    }

    /** What an import found: the prices of the models it could match, and the models it could not. */
    public record Import(Map<String, ModelPrice> prices, Map<String, String> matchedEntries, List<String> missing) {
    }

    /** The table in a fetched document. A refusal names where the document stops being JSON, never its text. */
    public static JsonNode parse(byte[] json) {
        JsonNode table;
        try {
            table = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidValue("The document is not a LiteLLM price table: it is not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ".");
        } catch (IOException e) {
            throw new InvalidValue("The document is not a LiteLLM price table: it is not JSON.");
        }
        if (table == null || !table.isObject()) {
            throw new InvalidValue("The document is not a LiteLLM price table (a JSON object of models).");
        }
        return table;
    }

    public static JsonNode parse(JsonNode inline) {
        if (inline == null || !inline.isObject()) {
            throw new InvalidValue("a LiteLLM price table is a JSON object of models");
        }
        try {
            return JSON.readTree(inline.toString());
        } catch (IOException e) {
            throw new InvalidValue("a LiteLLM price table is a JSON object of models");
        }
    }

    /**
     * Matches each configured model to an entry: the explicit mapping first, then the model's name, its upstream
     * model, and the upstream model with an {@code openai/} prefix.
     */
    public static Import forModels(JsonNode table, Iterable<CatalogModel> models, Map<String, String> mapping) {
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        Map<String, String> matched = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (CatalogModel model : models) {
            List<String> candidates = new ArrayList<>();
            if (mapping != null && mapping.containsKey(model.name())) {
                candidates.add(mapping.get(model.name()));
            }
            candidates.add(model.name());
            candidates.add(model.upstreamModel());
            candidates.add("openai/" + model.upstreamModel());
            String found = candidates.stream().filter(c -> table.path(c).isObject()
                    && table.path(c).has("input_cost_per_token")).findFirst().orElse(null);
            if (found == null) {
                missing.add(model.name());
                continue;
            }
            prices.put(model.name(), price(table.get(found)));
            matched.put(model.name(), found);
        }
        return new Import(prices, matched, missing);
    }

    static ModelPrice price(JsonNode entry) {
        TokenPrice input = perMillion(entry.get("input_cost_per_token"));
        TokenPrice output = perMillion(entry.get("output_cost_per_token"));
        if (input == null || output == null) {
            throw new InvalidValue("an entry without input and output costs per token");
        }
        if (input.isFree() && output.isFree()) {
            return ModelPrice.FREE;
        }
        return new ModelPrice(input, perMillion(entry.get("cache_read_input_token_cost")), output,
                perMillion(entry.get("output_cost_per_reasoning_token")), amount(entry.get("input_cost_per_image")),
                amount(entry.get("input_cost_per_request")), false);
    }

    private static TokenPrice perMillion(JsonNode perToken) {
        if (perToken == null || !perToken.isNumber()) {
            return null;
        }
        // per-token prices are tiny (1.5e-07): up to 24 decimal places, but never an exponent that explodes
        return new TokenPrice(DecimalText.bounded(perToken.decimalValue(), 24).multiply(MILLION).stripTrailingZeros());
    }

    private static Money amount(JsonNode value) {
        return value == null || !value.isNumber() ? null
                : Money.rounded(DecimalText.bounded(value.decimalValue(), 24));
    }
}
