package dev.tollgate.edge.pricesource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.money.DecimalText;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.pricing.LiteLlmPrices;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a price source's table into price book entries for the configured models: LiteLLM's
 * {@code model_prices_and_context_window.json} ({@code litellm}) or Tollgate's own JSON ({@code tollgate}: model →
 * {@code input}, {@code output}, {@code cached_input}, {@code reasoning} per million tokens, {@code per_image},
 * {@code per_request}, {@code image_prices}, {@code free}; numbers or decimal strings; optionally under
 * {@code "prices"}). Numbers are read as decimals, never through a double.
 */
final class PriceTables {

    static final String LITELLM = "litellm";
    static final String TOLLGATE = "tollgate";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private PriceTables() {
    }

    /**
     * The table's prices of {@code models}, by model name. With a {@code mapping}, only its models are read (model →
     * the table's entry); without, every model the table names (by its name or its upstream model).
     */
    static Map<String, ModelPrice> read(String format, byte[] document, Collection<CatalogModel> models,
                                        Map<String, String> mapping) {
        Collection<CatalogModel> wanted = mapping.isEmpty() ? models
                : models.stream().filter(m -> mapping.containsKey(m.name())).toList();
        if (LITELLM.equals(format)) {
            return LiteLlmPrices.forModels(LiteLlmPrices.parse(document), wanted, mapping).prices();
        }
        if (!TOLLGATE.equals(format)) {
            throw new IllegalArgumentException("unknown price source format '" + format + "' (litellm or tollgate)");
        }
        JsonNode table;
        try {
            table = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The document is not a Tollgate price table: it is not JSON.");
        } catch (IOException e) {
            throw new IllegalArgumentException("The document is not a Tollgate price table: it is not JSON.");
        }
        if (table != null && table.path("prices").isObject()) {
            table = table.get("prices");
        }
        if (table == null || !table.isObject()) {
            throw new IllegalArgumentException("A Tollgate price table is a JSON object of models.");
        }
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        for (CatalogModel model : wanted) {
            if (prices.containsKey(model.name())) {
                continue;
            }
            String entry = mapping.getOrDefault(model.name(), model.name());
            JsonNode node = table.path(entry);
            if (!node.isObject() && mapping.isEmpty()) {
                node = table.path(model.upstreamModel());
            }
            if (node.isObject()) {
                try {
                    prices.put(model.name(), price(node));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("entry '" + entry + "': " + e.getMessage());
                }
            }
        }
        return prices;
    }

    private static ModelPrice price(JsonNode entry) {
        Map<String, Money> images = null;
        if (entry.path("image_prices").isObject()) {
            images = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = entry.get("image_prices").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> variant = it.next();
                images.put(variant.getKey(), Money.of(decimal(variant.getValue())));
            }
        }
        return new ModelPrice(tokens(entry.get("input")), tokens(entry.get("cached_input")),
                tokens(entry.get("output")), tokens(entry.get("reasoning")), money(entry.get("per_image")),
                money(entry.get("per_request")), entry.path("free").asBoolean(false), images);
    }

    private static TokenPrice tokens(JsonNode value) {
        return value == null || value.isNull() ? null : new TokenPrice(decimal(value));
    }

    private static Money money(JsonNode value) {
        return value == null || value.isNull() ? null : Money.of(decimal(value));
    }

    /** An amount or a price per million of the table: {@link DecimalText}'s grammar, as a string or a number. */
    private static BigDecimal decimal(JsonNode value) {
        if (value.isNumber()) {
            return DecimalText.bounded(value.decimalValue(), DecimalText.MAX_FRACTION_DIGITS);
        }
        return DecimalText.parse(value.asText());
    }
}
