package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelKind;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.telemetry.GatewayTelemetry;
import dev.tollgate.edge.wire.TokenCounter;
import dev.tollgate.edge.wire.UsageReader;
import dev.tollgate.edge.wire.UsageSplice;
import org.springframework.stereotype.Component;

/**
 * {@code POST /v1/embeddings}: {@code input} is a string, an array of strings, an array of token ids or an array of
 * such arrays. Priced at the model's input price per token (plus a per-request fee, if any); the worst case is the
 * input as counted here, the real cost is the upstream's {@code usage.prompt_tokens}. Each input of a batch is
 * embedded on its own: the context window applies to each, and an input as long as the window fits (an embedding
 * generates no tokens).
 */
@Component
public class EmbeddingsHandler extends OpenAiEndpoint {

    private static final UsageSplice.Shape SHAPE = new UsageSplice.Shape("data", true);

    private final TokenCounter tokens;

    public EmbeddingsHandler(GovernedCall governed, TokenCounter tokens) {
        super(governed, "/v1/embeddings", GatewayTelemetry.EMBEDDINGS, "/embeddings", ModelKind.EMBEDDING);
        this.tokens = tokens;
    }

    @Override
    Plan plan(ObjectNode body, CatalogModel model, PriceInForce price) {
        return new Plan(body, model, price) {
            /** The tokens of the longest input: the most one embedding reads. */
            private final long longest;

            {
                long[] counted = count(body.get("input"));
                promptTokens = counted[0];
                longest = counted[1];
                JsonNode format = body.get("encoding_format");
                if (format != null && !format.isNull() && !(format.isTextual()
                        && (format.asText().equals("float") || format.asText().equals("base64")))) {
                    throw ApiError.invalidRequest("'encoding_format' is 'float' or 'base64'.", "encoding_format");
                }
                if (flag(body, "stream")) {
                    throw ApiError.invalidRequest("Embeddings are not streamed.", "stream");
                }
            }

            @Override
            long windowTokens() {
                return longest;
            }

            @Override
            String windowParam() {
                return "input";
            }

            @Override
            boolean fits(CatalogModel candidate) {
                return candidate.holds(longest);
            }

            @Override
            String windowCounted() {
                return "the longest input has " + longest;
            }

            @Override
            UsageSplice.Shape shape() {
                return SHAPE;
            }

            @Override
            Usage reported(Usage usage) {
                return new Usage(usage.promptTokens(), 0, 0, 0);
            }

            @Override
            Usage usage(ObjectNode answer) {
                if (!answer.path("data").isArray()) {
                    return null;
                }
                Usage reported = UsageReader.read(answer.get("usage"));
                if (reported != null) {
                    return new Usage(reported.promptTokens(), 0, 0, 0);
                }
                answer.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
                return new Usage(promptTokens, 0, 0, 0);
            }
        };
    }

    /**
     * {all the tokens of an embeddings input, the tokens of its longest input}: strings counted with the tokenizer,
     * token arrays by their length.
     */
    long[] count(JsonNode input) {
        String shape = "'input' must be a non-empty string, an array of strings, an array of token ids or an array "
                + "of arrays of token ids.";
        if (input == null || input.isNull()) {
            throw ApiError.invalidRequest("You must provide an input: " + shape, "input");
        }
        if (input.isTextual()) {
            long count = tokens.text(input.asText());
            return new long[] {count, count};
        }
        if (!input.isArray() || input.isEmpty()) {
            throw ApiError.invalidRequest(shape, "input");
        }
        if (input.get(0).isIntegralNumber()) {
            for (JsonNode id : input) {
                if (!id.isIntegralNumber()) {
                    throw ApiError.invalidRequest(shape, "input");
                }
            }
            return new long[] {input.size(), input.size()};
        }
        long count = 0;
        long longest = 0;
        for (JsonNode item : input) {
            long one;
            if (item.isTextual()) {
                one = tokens.text(item.asText());
            } else if (item.isArray() && !item.isEmpty() && item.get(0).isIntegralNumber()) {
                one = item.size();
            } else {
                throw ApiError.invalidRequest(shape, "input");
            }
            count += one;
            longest = Math.max(longest, one);
        }
        return new long[] {count, longest};
    }
}
