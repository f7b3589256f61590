package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelKind;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.provider.ChatProvider;
import dev.tollgate.edge.telemetry.GatewayTelemetry;
import dev.tollgate.edge.telemetry.RequestObservation;
import dev.tollgate.edge.wire.TokenCounter;
import dev.tollgate.edge.wire.UsageReader;
import dev.tollgate.edge.wire.UsageSplice;
import dev.tollgate.query.directory.KeyRecord;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/chat/completions}, governed by {@link GovernedCall}. What is its own: the messages (counted the
 * way OpenAI bills them, images included), {@code max_completion_tokens} or {@code max_tokens} per choice times
 * {@code n}, the usage counted here when the upstream reports none, and providers that translate chat completions
 * (Azure's URLs, Anthropic's messages API).
 */
@Component
public class ChatCompletionsRoute extends OpenAiEndpoint {

    /** A chat completion has {@code choices} (whatever it holds: the tree path does not look further either). */
    private static final UsageSplice.Shape SHAPE = new UsageSplice.Shape("choices", false);

    private final TokenCounter tokens;
    private final ObjectMapper json;

    public ChatCompletionsRoute(GovernedCall governed, TokenCounter tokens, ObjectMapper json) {
        super(governed, "/v1/chat/completions", GatewayTelemetry.CHAT, "/chat/completions", ModelKind.CHAT);
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    void check(ObjectNode body) {
        ChatRequest.of(body);
    }

    @Override
    Plan plan(ObjectNode body, CatalogModel model, PriceInForce price) {
        return new ChatPlan(ChatRequest.of(body), model, price);
    }

    @Override
    Mono<byte[]> send(ChatProvider provider, CatalogModel target, ObjectNode body) {
        return provider.complete(target, body);
    }

    @Override
    Flux<byte[]> sendStream(ChatProvider provider, CatalogModel target, ObjectNode body) {
        return provider.stream(target, body);
    }

    private final class ChatPlan extends Plan {

        private final ChatRequest chat;
        /**
         * The tokens of the request's prediction (Predicted Outputs), per choice: those the answer does not use are
         * billed as completion tokens beside {@code max_tokens}, so the worst case and the rate limits' estimates add
         * them ({@link #outputBeyondLimit}) and no clamp lowers them. Counted like the prompt: by its bound, exactly
         * once the prompt is ({@link #countPrompt}).
         */
        private long predicted;

        ChatPlan(ChatRequest chat, CatalogModel model, PriceInForce price) {
            super(chat.body(), model, price);
            this.chat = chat;
            // an upper bound, counted exactly only where it matters (GovernedCall, docs/ledger.md)
            promptTokens = tokens.promptBound(body);
            promptExact = false;
            images = tokens.images(body);
            unseenInput = UnseenInputs.inChat(body);
            predicted = tokens.predictionBound(body);
            choices = chat.n();
            requestedPerChoice = chat.requestedMaxTokens();
            // the field of the deployment of each attempt (forward); any field until then
            maxTokensField = "max_tokens";
            stream = chat.stream();
            if (stream) {
                askForStreamUsage(body);
            }
        }

        @Override
        long countPrompt() {
            predicted = tokens.prediction(body);
            return tokens.prompt(body);
        }

        @Override
        long outputBeyondLimit() {
            return predicted * choices;
        }

        @Override
        void forward(CatalogModel target, long perChoice, boolean clamped) {
            // the limit, the client's or a clamp's, goes in the field this deployment reads, alone: a server that
            // ignores the other field would not stop at what was reserved (Ollama and llama.cpp read max_tokens
            // only), and one that refuses unknown fields refuses the other even when null
            body.remove("max_tokens");
            body.remove("max_completion_tokens");
            maxTokensField = target.outputLimitField();
            super.forward(target, perChoice, clamped);
        }

        @Override
        void identify(RequestObservation observation, KeyRecord key, String route) {
            observation.identified(key, model, body, chat.model(), chat.user(), chat.stream(),
                    chat.requestedMaxTokens(), chat.n());
        }

        @Override
        UsageSplice.Shape shape() {
            return SHAPE;
        }

        @Override
        Usage reported(Usage usage) {
            return usage.withImages(images);
        }

        @Override
        Usage usage(ObjectNode answer) {
            if (!answer.has("choices")) {
                return null;
            }
            Usage usage = UsageReader.read(answer.get("usage"));
            if (usage != null) {
                return usage.withImages(images);
            }
            long reasoning = countedReasoning(answer);
            usage = charged(new Usage(countedPrompt(), countedCompletion(answer) + reasoning, 0, reasoning)
                    .withImages(images));
            ObjectNode written = answer.putObject("usage").put("prompt_tokens", usage.promptTokens())
                    .put("completion_tokens", usage.completionTokens())
                    .put("total_tokens", usage.totalTokens());
            written.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
            return usage;
        }

        private long countedCompletion(JsonNode answer) {
            long count = 0;
            for (JsonNode choice : answer.path("choices")) {
                JsonNode message = choice.path("message");
                count += tokens.text(textOf(message, "content")) + tokens.text(textOf(message, "refusal"));
                for (String calls : CALLS) {
                    JsonNode called = message.path(calls);
                    if (!called.isMissingNode() && !called.isNull()) {
                        count += tokens.text(called.toString()); // the call as a whole, its name and arguments
                    }
                }
            }
            return count;
        }

        /** The reasoning a whole answer carries as text: generated output like its content, billed as reasoning. */
        private long countedReasoning(JsonNode answer) {
            long count = 0;
            for (JsonNode choice : answer.path("choices")) {
                count += tokens.text(reasoningIn(choice.path("message")));
            }
            return count;
        }

        @Override
        StreamRelay.Dialect dialect() {
            return new StreamRelay.Choices(json, tokens, "chat.completion.chunk", ChatCompletionsRoute::deltaOutput,
                    chat.clientWantsUsage(), this::countedPrompt, images, StreamRelay::skimChatChunk);
        }
    }

    /** Where a message calls functions: {@code tool_calls}, and the legacy {@code function_call}. */
    private static final String[] CALLS = {"tool_calls", "function_call"};

    /**
     * What one choice of a chunk delivers: its content, its refusal, the names and arguments of the functions it
     * calls ({@code tool_calls}, or the legacy {@code function_call}), and the reasoning streamed beside them
     * ({@code reasoning_content} or {@code reasoning}), which the upstream bills as output too.
     */
    static StreamRelay.Output deltaOutput(JsonNode choice) {
        JsonNode delta = choice.path("delta");
        String reasoning = reasoningIn(delta);
        String said = textOf(delta, "content") + textOf(delta, "refusal");
        JsonNode calls = delta.get("tool_calls");
        JsonNode legacy = delta.get("function_call");
        if ((calls == null || !calls.isArray()) && (legacy == null || !legacy.isObject())) {
            return StreamRelay.Output.of(said, reasoning);
        }
        StringBuilder text = new StringBuilder(said);
        if (calls != null && calls.isArray()) {
            for (JsonNode call : calls) {
                appendCall(text, call.path("function"));
            }
        }
        if (legacy != null) {
            appendCall(text, legacy);
        }
        return StreamRelay.Output.of(text.toString(), reasoning);
    }

    /** A function call's part of a delta: its name (in its first delta) and its arguments' next piece. */
    private static void appendCall(StringBuilder text, JsonNode function) {
        text.append(textOf(function, "name")).append(textOf(function, "arguments"));
    }

    /** The reasoning a message or a delta carries as text ({@code reasoning_content} or {@code reasoning}). */
    private static String reasoningIn(JsonNode messageOrDelta) {
        return StreamRelay.reasoningOf(textOf(messageOrDelta, "reasoning_content"),
                textOf(messageOrDelta, "reasoning"));
    }

    /** A string field of a delta, {@code ""} when absent or not a string. */
    private static String textOf(JsonNode delta, String field) {
        JsonNode value = delta.path(field);
        return value.isTextual() ? value.asText() : "";
    }
}
