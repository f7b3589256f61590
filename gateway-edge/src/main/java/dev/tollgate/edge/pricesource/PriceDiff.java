package dev.tollgate.edge.pricesource;

import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.priceproposal.PriceChange;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a source's prices change of the prices in force: one line per model and field whose value differs (decimals
 * compared by value: "1.00" and "1" are the same price).
 */
final class PriceDiff {

    private PriceDiff() {
    }

    /** @param inForce the price in force of each model ({@code null} value or absent: the model has none) */
    static List<PriceChange> between(Map<String, ModelPrice> inForce, Map<String, ModelPrice> proposed) {
        List<PriceChange> changes = new ArrayList<>();
        for (Map.Entry<String, ModelPrice> entry : new TreeMap<>(proposed).entrySet()) {
            Map<String, String> before = fields(inForce.get(entry.getKey()));
            Map<String, String> after = fields(entry.getValue());
            for (String field : after.keySet()) {
                if (!Objects.equals(before.get(field), after.get(field))) {
                    changes.add(new PriceChange(entry.getKey(), field, before.get(field), after.get(field)));
                }
            }
        }
        return changes;
    }

    /** A price's fields as plain decimal strings ({@code null}: not set), in a fixed order. */
    static Map<String, String> fields(ModelPrice price) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("input", price == null ? null : tokens(price.input()));
        fields.put("cached_input", price == null ? null : tokens(price.cachedInput()));
        fields.put("output", price == null ? null : tokens(price.output()));
        fields.put("reasoning", price == null ? null : tokens(price.reasoning()));
        fields.put("per_image", price == null ? null : money(price.perImage()));
        fields.put("per_request", price == null ? null : money(price.perRequest()));
        fields.put("image_prices", price == null || price.imagePrices() == null ? null
                : new TreeMap<>(price.imagePrices()).toString());
        fields.put("free", price == null ? null : Boolean.toString(price.free()));
        return fields;
    }

    private static String tokens(TokenPrice price) {
        return price == null ? null : plain(price.perMillion());
    }

    private static String money(Money amount) {
        return amount == null ? null : amount.toDecimalString();
    }

    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0).toPlainString() : stripped.toPlainString();
    }
}
