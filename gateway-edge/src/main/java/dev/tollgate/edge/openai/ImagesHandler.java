package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelKind;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.telemetry.GatewayTelemetry;
import dev.tollgate.edge.wire.TokenCounter;
import dev.tollgate.edge.wire.UsageReader;
import org.springframework.stereotype.Component;

import java.util.regex.Pattern;

/**
 * {@code POST /v1/images/generations}, priced per image by size and quality: the model's {@code image_prices} entry
 * for {@code size/quality} (or for {@code size}), else its {@code per_image} price; a variant it has no price for is
 * refused with a 400 before anything is reserved. The worst case is {@code n} images of that price, plus the prompt
 * at the input price and, for models whose upstream reports token usage (gpt-image-1), the output tokens at the
 * output price up to the model's cap per image. The real cost counts the images returned.
 */
@Component
public class ImagesHandler extends OpenAiEndpoint {

    /** The size and quality a request is priced at when it names none (OpenAI's defaults for DALL·E 3). */
    static final String DEFAULT_SIZE = "1024x1024";
    static final String DEFAULT_QUALITY = "standard";
    private static final Pattern SIZE = Pattern.compile("\\d{1,5}x\\d{1,5}|auto");
    private static final Pattern QUALITY = Pattern.compile("[a-z]{1,20}");

    private final TokenCounter tokens;

    public ImagesHandler(GovernedCall governed, TokenCounter tokens) {
        super(governed, "/v1/images/generations", GatewayTelemetry.GENERATE_CONTENT, "/images/generations", ModelKind.IMAGE);
        this.tokens = tokens;
    }

    @Override
    Plan plan(ObjectNode body, CatalogModel model, PriceInForce price) {
        JsonNode prompt = body.get("prompt");
        if (prompt == null || !prompt.isTextual() || prompt.asText().isBlank()) {
            throw ApiError.invalidRequest("You must provide a prompt (a string).", "prompt");
        }
        int n = Plan.boundedInt(body, "n", 1, 10, 1);
        String size = text(body, "size", SIZE, DEFAULT_SIZE, "a size such as 1024x1024, or auto");
        String quality = text(body, "quality", QUALITY, DEFAULT_QUALITY, "a quality such as standard, hd, low, "
                + "medium, high or auto");
        String variant = size + "/" + quality;
        ModelPrice prices = price.price();
        if (prices.pricesImages() && prices.imagePrice(size, quality) == null) {
            throw ApiError.invalidRequest("The model '" + model.name() + "' has no price for images of size " + size
                    + " and quality " + quality + ", so Tollgate refuses them rather than guess. Priced: "
                    + (prices.imagePrices() == null ? "none" : String.join(", ", prices.imagePrices().keySet()))
                    + ".", body.has("quality") ? "quality" : "size");
        }
        if (Plan.flag(body, "stream")) {
            throw ApiError.invalidRequest("Image generation is not streamed through Tollgate.", "stream");
        }
        return new Plan(body, model, price) {
            /** The output tokens reserved per image for the model asked last (0: its output is not priced). */
            private long outputPerImage;

            {
                promptTokens = tokens.text(prompt.asText());
                choices = n;
                clampable = false; // images cannot be made smaller to fit a budget
            }

            @Override
            Money fixedCost(PriceInForce candidate, long prompt) {
                return Money.rounded(candidate.price().exactCost(prompt, 0, 0, 0, n, variant));
            }

            /** Token-priced image models (gpt-image-1) report image output tokens: at most the cap per image. */
            @Override
            long perChoice(CatalogModel candidate, PriceInForce candidatePrice) {
                return candidatePrice.worstOutputPrice().isFree() ? 0 : candidate.maxOutputTokens();
            }

            @Override
            void forward(CatalogModel target, long perChoice, boolean clamped) {
                super.forward(target, perChoice, clamped);
                outputPerImage = perChoice;
            }

            @Override
            String windowParam() {
                return "prompt";
            }

            /** A fallback must have a price for the size and quality asked. */
            @Override
            boolean accepts(CatalogModel candidate, PriceInForce candidatePrice) {
                ModelPrice its = candidatePrice.price();
                return !its.pricesImages() || its.imagePrice(size, quality) != null;
            }

            @Override
            Usage usage(ObjectNode answer) {
                JsonNode data = answer.get("data");
                if (data == null || !data.isArray()) {
                    return null;
                }
                JsonNode usage = answer.get("usage");
                boolean reported = usage != null && usage.isObject() && usage.hasNonNull("input_tokens");
                long input = reported ? UsageReader.count(usage.get("input_tokens")) : 0;
                long output = reported ? UsageReader.count(usage.get("output_tokens")) : 0;
                // none, or a count not believed (UsageReader): the prompt as counted here, and for a model whose
                // image output is priced per token (gpt-image-1) each image returned at the output reserved for it:
                // the upstream billed tokens for it that Tollgate cannot count
                boolean believed = reported && UsageReader.believable(input, output);
                if (reported && !believed) {
                    answer.remove("usage"); // the client is not shown counts that were not charged
                }
                Usage tokensUsed = believed ? new Usage(input, output, 0, 0)
                        : new Usage(promptTokens, outputPerImage * data.size(), 0, 0);
                return tokensUsed.withGeneratedImages(data.size(), variant);
            }
        };
    }

    private static String text(JsonNode body, String field, Pattern allowed, String absent, String what) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isTextual() || !allowed.matcher(value.asText()).matches()) {
            throw ApiError.invalidRequest("'" + field + "' must be " + what + ".", field);
        }
        return value.asText();
    }
}
