package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import java.util.function.Function;


/**
 * {@code POST /v1/completions} (the legacy text completions), priced like chat: prompt tokens at the input price,
 * completion tokens at the output price. The worst case is {@code max_tokens} (or the model's cap) for every choice
 * generated: {@code max(n, best_of)} per prompt, for every prompt of a batch. Streams like chat completions.
 */
@Component
public class CompletionsHandler extends OpenAiEndpoint {

    private static final UsageSplice.Shape SHAPE = new UsageSplice.Shape("choices", true);

    private final TokenCounter tokens;
    private final ObjectMapper json;

    /** What the legacy completions API generates per choice when the request sets no {@code max_tokens}. */
    static final long DEFAULT_MAX_TOKENS = 16;

    public CompletionsHandler(GovernedCall governed, TokenCounter tokens, ObjectMapper json) {
        super(governed, "/v1/completions", GatewayTelemetry.TEXT_COMPLETION, "/completions", ModelKind.CHAT);
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    Plan plan(ObjectNode body, CatalogModel model, PriceInForce price) {
        return new CompletionPlan(body, model, price);
    }

    private final class CompletionPlan extends Plan {

        private final boolean clientWantsUsage;
        private final int n;
        /** The tokens of the longest prompt with its suffix: the most one completion of the batch reads. */
        private final long longest;
        /** Whether {@code prompt} is a batch of several prompts. */
        private final boolean batch;

        CompletionPlan(ObjectNode body, CatalogModel model, PriceInForce price) {
            super(body, model, price);
            long[] counted = prompt(body.get("prompt"));
            // the suffix goes with every prompt of a batch, and is read (and billed) with each
            long suffix = body.path("suffix").isTextual() ? tokens.text(body.get("suffix").asText()) : 0;
            promptTokens = counted[0] + suffix * counted[1];
            longest = counted[2] + suffix;
            batch = counted[1] > 1;
            n = boundedInt(body, "n", 1, 128, 1);
            // best_of must be at least n only when it is sent; absent, the upstream generates n (OpenAI's API)
            int bestOf = boundedInt(body, "best_of", 1, 128, n);
            if (bestOf < n) {
                throw ApiError.invalidRequest("'best_of' must be at least 'n'.", "best_of");
            }
            choices = counted[1] * Math.max(n, bestOf); // best_of choices are generated (and billed) upstream
            Long requested = positiveLong(body, "max_tokens");
            // the legacy API answers 16 tokens when max_tokens is not set (OpenAI's and vLLM's default): that is the
            // worst case, and it is sent, so that a server with another default cannot go past it
            requestedPerChoice = requested != null ? requested : DEFAULT_MAX_TOKENS;
            maxTokensField = "max_tokens";
            stream = flag(body, "stream");
            if (stream && bestOf > n) {
                // the best of the candidates is known once all are generated: OpenAI's API does not stream them
                throw ApiError.invalidRequest("'best_of' above 'n' cannot be streamed: the best candidates are "
                        + "chosen once all are generated. Send 'stream': false, or 'best_of' equal to 'n'.",
                        "best_of");
            }
            clientWantsUsage = body.path("stream_options").path("include_usage").asBoolean(false);
            if (stream) {
                askForStreamUsage(body);
            }
        }

        @Override
        long windowTokens() {
            return longest;
        }

        @Override
        String windowParam() {
            return "prompt";
        }

        @Override
        String windowCounted() {
            return (batch ? "the longest prompt has " : "the prompt has ") + longest
                    + (body.path("suffix").isTextual() ? " with its suffix" : "");
        }

        @Override
        UsageSplice.Shape shape() {
            return SHAPE;
        }

        @Override
        Usage usage(ObjectNode answer) {
            if (!answer.path("choices").isArray()) {
                return null;
            }
            Usage reported = UsageReader.read(answer.get("usage"));
            if (reported != null) {
                return reported;
            }
            long completion = 0;
            Function<JsonNode, StreamRelay.Output> output = output(EchoedPrompts.of(body, n, tokens));
            for (JsonNode choice : answer.path("choices")) {
                completion += tokens.text(output.apply(choice).text());
            }
            Usage usage = charged(new Usage(promptTokens, completion, 0, 0));
            answer.putObject("usage").put("prompt_tokens", usage.promptTokens())
                    .put("completion_tokens", usage.completionTokens()).put("total_tokens", usage.totalTokens());
            return usage;
        }

        @Override
        StreamRelay.Dialect dialect() {
            EchoedPrompts echo = EchoedPrompts.of(body, n, tokens);
            StreamRelay.Choices choices = new StreamRelay.Choices(json, tokens, "text_completion", output(echo),
                    clientWantsUsage, this::exactPrompt, 0);
            return echo == null ? choices : choices.heldToGrant(echo::heldToGrant);
        }

        /**
         * The output of a choice, of an answer or a chunk: its text, less the prompt it echoes with {@code echo}
         * ({@code null}: none). One echo per answer or stream (an echo may come in several chunks).
         */
        private Function<JsonNode, StreamRelay.Output> output(EchoedPrompts echo) {
            return choice -> {
                String text = choice.path("text").asText("");
                return StreamRelay.Output.text(echo == null ? text : echo.after(choice.path("index").asInt(0), text));
            };
        }
    }

    /**
     * {prompt tokens, prompts, tokens of the longest prompt}: a string, an array of strings, an array of token ids,
     * or an array of those.
     */
    private long[] prompt(JsonNode prompt) {
        String shape = "'prompt' must be a string, an array of strings, an array of token ids or an array of arrays "
                + "of token ids.";
        if (prompt == null || prompt.isNull()) {
            throw ApiError.invalidRequest("You must provide a prompt: " + shape, "prompt");
        }
        if (prompt.isTextual()) {
            long count = tokens.text(prompt.asText());
            return new long[] {count, 1, count};
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw ApiError.invalidRequest(shape, "prompt");
        }
        if (prompt.get(0).isIntegralNumber()) {
            for (JsonNode id : prompt) {
                if (!id.isIntegralNumber()) {
                    throw ApiError.invalidRequest(shape, "prompt");
                }
            }
            return new long[] {prompt.size(), 1, prompt.size()};
        }
        long count = 0;
        long longest = 0;
        for (JsonNode item : prompt) {
            long one;
            if (item.isTextual()) {
                one = tokens.text(item.asText());
            } else if (item.isArray() && !item.isEmpty() && item.get(0).isIntegralNumber()) {
                one = item.size();
            } else {
                throw ApiError.invalidRequest(shape, "prompt");
            }
            count += one;
            longest = Math.max(longest, one);
        }
        return new long[] {count, prompt.size(), longest};
    }
}
