package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/responses}, whole or streamed. Priced by {@code usage.input_tokens} (the cached part at the cached
 * price) and {@code output_tokens} (the reasoning part at the reasoning price). The worst case counts
 * {@code instructions} (a string, as OpenAI's API takes it: any other type is refused), {@code input} (each image at
 * the model's {@code max-image-tokens}, wherever it is in an item: a message's {@code input_image}, a tool's output,
 * a {@code computer_screenshot}) and {@code tools} here, plus {@code max_output_tokens} (or the model's cap);
 * the budget may lower {@code max_output_tokens}. A stream's events pass through as they arrive; the cost is added
 * to the usage of {@code response.completed} (or {@code .incomplete}, {@code .failed}).
 */
@Component
public class ResponsesHandler extends OpenAiEndpoint {

    private static final Set<String> FINAL_EVENTS = Set.of("response.completed", "response.incomplete",
            "response.failed");

    private final TokenCounter tokens;

    public ResponsesHandler(GovernedCall governed, TokenCounter tokens) {
        super(governed, "/v1/responses", GatewayTelemetry.CHAT, "/responses", ModelKind.CHAT);
        this.tokens = tokens;
    }

    @Override
    Plan plan(ObjectNode body, CatalogModel model, PriceInForce price) {
        return new ResponsePlan(body, model, price);
    }

    /** OpenAI's responses usage block; {@code null}: none, or a count not believed ({@link UsageReader#count}). */
    static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.hasNonNull("input_tokens")) {
            return null;
        }
        long input = UsageReader.count(usage.get("input_tokens"));
        long output = UsageReader.count(usage.get("output_tokens"));
        long cached = UsageReader.count(usage.path("input_tokens_details").get("cached_tokens"));
        long reasoning = UsageReader.count(usage.path("output_tokens_details").get("reasoning_tokens"));
        return UsageReader.believable(input, output, cached, reasoning)
                ? new Usage(input, output, cached, reasoning) : null;
    }

    private final class ResponsePlan extends Plan {

        ResponsePlan(ObjectNode body, CatalogModel model, PriceInForce price) {
            super(body, model, price);
            JsonNode input = body.get("input");
            if ((input == null || input.isNull()) && !body.hasNonNull("previous_response_id")
                    && !body.hasNonNull("prompt") && !body.hasNonNull("conversation")) {
                throw ApiError.invalidRequest("You must provide an input (a string or an array of input items).",
                        "input");
            }
            if (input != null && !input.isNull() && !input.isTextual() && !input.isArray()) {
                throw ApiError.invalidRequest("'input' must be a string or an array of input items.", "input");
            }
            JsonNode instructions = body.get("instructions");
            if (instructions != null && !instructions.isNull() && !instructions.isTextual()) {
                // OpenAI's API takes a string (or null) only: anything else would be forwarded uncounted
                throw ApiError.invalidRequest("'instructions' must be a string.", "instructions");
            }
            if (flag(body, "background")) {
                // its answer ("queued", no usage) would settle the prompt alone while the upstream goes on generating
                throw ApiError.invalidRequest("Background responses are not supported: Tollgate settles a "
                        + "response's cost from its answer, and a background response answers before it is "
                        + "generated.", "background");
            }
            UnpricedCosts.refuseInResponses(body);
            long counted = instructions != null && instructions.isTextual() ? tokens.text(instructions.asText()) : 0;
            long[] items = input == null ? new long[2] : input(input);
            counted += items[0];
            if (body.has("tools")) {
                counted += tokens.text(body.get("tools").toString());
            }
            if (body.path("text").has("format")) {
                counted += tokens.text(body.path("text").get("format").toString());
            }
            promptTokens = counted;
            images = items[1];
            unseenInput = UnseenInputs.inResponses(body);
            requestedPerChoice = positiveLong(body, "max_output_tokens");
            maxTokensField = "max_output_tokens";
            stream = flag(body, "stream");
        }

        /**
         * {tokens, images} of the input: a string, or items (messages with text or parts, and others: a function
         * call, its output, a reasoning item...). Images count as images wherever they are in an item (a tool's
         * output, a computer screenshot), as in chat ({@link TokenCounter#imagesIn}); the rest as text.
         */
        private long[] input(JsonNode input) {
            if (input.isTextual()) {
                return new long[] {tokens.text(input.asText()), 0};
            }
            long count = 0;
            long pictures = 0;
            for (JsonNode item : input) {
                pictures += TokenCounter.imagesIn(item); // each at the model's max-image-tokens (CatalogModel)
                JsonNode content = item.get("content");
                if (content == null) {
                    count += tokens.json(item);
                } else if (content.isTextual()) {
                    count += 3 + tokens.text(content.asText());
                } else {
                    count += 3;
                    for (JsonNode part : content) {
                        JsonNode text = part.get("text");
                        count += text != null && text.isTextual() ? tokens.text(text.asText()) : tokens.json(part);
                    }
                }
            }
            return new long[] {count, pictures};
        }

        @Override
        String windowParam() {
            return "input";
        }

        @Override
        Usage usage(ObjectNode answer) {
            if (!answer.has("output") && !"response".equals(answer.path("object").asText())) {
                return null;
            }
            Usage reported = read(answer.get("usage"));
            if (reported != null) {
                return reported.withImages(images);
            }
            Usage counted = charged(ResponsesOutput.ofResponse(answer).counted(tokens, countedPrompt(), images));
            ObjectNode usage = answer.putObject("usage").put("input_tokens", counted.promptTokens());
            usage.putObject("input_tokens_details").put("cached_tokens", 0);
            usage.put("output_tokens", counted.completionTokens());
            usage.putObject("output_tokens_details").put("reasoning_tokens", counted.reasoningTokens());
            usage.put("total_tokens", counted.promptTokens() + counted.completionTokens());
            return counted;
        }

        @Override
        StreamRelay.Dialect dialect() {
            return new StreamRelay.Dialect() {
                @Override
                public StreamRelay.Output output(JsonNode event) {
                    return ResponsesOutput.ofEvent(event);
                }

                @Override
                public Usage usage(JsonNode event) {
                    if (!FINAL_EVENTS.contains(event.path("type").asText(""))) {
                        return null;
                    }
                    Usage usage = read(event.path("response").get("usage"));
                    return usage == null ? null : usage.withImages(images);
                }

                @Override
                public boolean dropUnbelievedUsage(ObjectNode event) {
                    JsonNode usage = event.path("response").get("usage");
                    if (!FINAL_EVENTS.contains(event.path("type").asText("")) || usage == null
                            || !usage.isObject() || !usage.hasNonNull("input_tokens")) {
                        return false;
                    }
                    ((ObjectNode) event.get("response")).putNull("usage");
                    return true;
                }

                @Override
                public JsonNode withCost(ObjectNode event, Money cost) {
                    ((ObjectNode) event.path("response").get("usage"))
                            .put("cost", cost.toBigDecimal().stripTrailingZeros());
                    return event;
                }

                @Override
                public List<byte[]> closing(StreamRelay relay, Usage usage, Money cost) {
                    return List.of(); // a responses stream ends with its final event, without [DONE]
                }

                @Override
                public Usage counted(StreamRelay.Output delivered) {
                    return delivered.counted(tokens, countedPrompt(), images);
                }
            };
        }
    }
}
