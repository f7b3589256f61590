package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.pricing.PriceInForce;

/**
 * One request of an {@link OpenAiEndpoint}, from its worst case to its real usage. The worst case that is reserved
 * is {@code fixedCost + outputPrice × maxOutputTokens}; with a team policy of {@code clamp} the ledger may grant
 * fewer output tokens, never fewer than {@code minOutputTokens} (equal to the maximum: never clamped).
 */
abstract class Plan {

    protected final ObjectNode body;
    protected final CatalogModel model;
    protected final PriceInForce price;

    /** Prompt tokens as counted here: the estimate, and the usage when the upstream reports none. */
    protected long promptTokens;
    /** What the request costs whatever the answer: its prompt, images, the per-request fee. */
    protected Money fixedCost;
    protected TokenPrice outputPrice;
    protected long maxOutputTokens;
    protected long minOutputTokens;
    protected boolean stream;

    Plan(ObjectNode body, CatalogModel model, PriceInForce price) {
        this.body = body;
        this.model = model;
        this.price = price;
        this.outputPrice = price.worstOutputPrice();
    }

    /**
     * Lowers the output tokens forwarded to what was granted, when the ledger granted fewer than asked for.
     *
     * @return the output tokens per choice now allowed, for {@code x-tollgate-max-tokens}; {@code null} when the
     *         budget did not lower them
     */
    Long limitOutput(long grantedOutputTokens, boolean clamped) {
        return null;
    }

    /** The real usage of a whole answer (counted when the upstream reports none); {@code null}: not an answer. */
    abstract Usage usage(ObjectNode answer);

    /** Adds the cost to the answer's usage block, where it has one. */
    void putCost(ObjectNode answer, Money cost) {
        if (answer.get("usage") instanceof ObjectNode usage) {
            usage.put("cost", cost.toBigDecimal().stripTrailingZeros());
        }
    }

    /** How a stream of this route is relayed; only called when {@link #stream} is set. */
    EventRelay.Dialect dialect() {
        throw ApiError.invalidRequest("Streaming is not supported on this route.", "stream");
    }

    // ------------------------------------------------------------------ shared checks

    static Long positiveLong(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw ApiError.invalidRequest("'" + field + "' must be a positive integer.", field);
        }
        return value.asLong();
    }

    static int boundedInt(JsonNode body, String field, int min, int max, int absent) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw ApiError.invalidRequest("'" + field + "' must be an integer from " + min + " to " + max + ".",
                    field);
        }
        return value.asInt();
    }

    static boolean flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw ApiError.invalidRequest("'" + field + "' must be true or false.", field);
        }
        return value != null && value.asBoolean(false);
    }
}
