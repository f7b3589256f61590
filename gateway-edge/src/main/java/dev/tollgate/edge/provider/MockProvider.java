package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.wire.SseEvents;
import dev.tollgate.edge.wire.TokenCounter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in {@code mock} provider: answers every chat completion at once, deterministically, with a realistic
 * {@code usage} block (tokens counted with the same tokenizer), so that the demo shows real costs without any
 * upstream. The answer is at most {@link #ANSWER_TOKENS} tokens, or fewer when {@code max_tokens} says so.
 */
@Component
public class MockProvider implements ChatProvider {

    static final int ANSWER_TOKENS = 40;
    private static final String ANSWER = "Hello from Tollgate's built-in mock model. This answer is deterministic, "
            + "its usage is counted with a real tokenizer, and every request through the gateway is reserved, "
            + "settled and priced in the ledger exactly like a real provider's answer would be. ";

    private final ObjectMapper json;
    private final TokenCounter tokens;
    private final MockEndpoints endpoints;

    public MockProvider(ObjectMapper json, TokenCounter tokens) {
        this.json = json;
        this.tokens = tokens;
        this.endpoints = new MockEndpoints(json, tokens, ANSWER, ANSWER_TOKENS);
    }

    /** The other OpenAI routes, answered as deterministically as chat completions (see {@link MockEndpoints}). */
    @Override
    public Mono<byte[]> post(CatalogModel model, String path, ObjectNode body) {
        return delayed(model, Mono.fromCallable(() -> json.writeValueAsBytes(endpoints.answer(model, path, body))));
    }

    @Override
    public Flux<byte[]> postStream(CatalogModel model, String path, ObjectNode body) {
        return delayed(model, Mono.fromCallable(() -> endpoints.stream(model, path, body))).flatMapIterable(e -> e);
    }

    @Override
    public Mono<byte[]> complete(CatalogModel model, ObjectNode body) {
        Answer answer = answer(model, body);
        ObjectNode completion = json.createObjectNode()
                .put("id", "chatcmpl-mock")
                .put("object", "chat.completion")
                .put("created", 1_700_000_000L)
                .put("model", body.path("model").asText());
        ArrayNode choices = completion.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", answer.text()).putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", answer.finishReason());
        completion.set("usage", usage(answer));
        completion.put("system_fingerprint", "tollgate-mock");
        return delayed(model, Mono.fromCallable(() -> json.writeValueAsBytes(completion)));
    }

    @Override
    public Flux<byte[]> stream(CatalogModel model, ObjectNode body) {
        Answer answer = answer(model, body);
        String model1 = body.path("model").asText();
        List<byte[]> events = new ArrayList<>();
        events.add(event(chunk(model1).set("choices", choiceDelta(json.createObjectNode()
                .put("role", "assistant").put("content", ""), null))));
        for (String piece : answer.text().split("(?<= )")) {
            events.add(event(chunk(model1).set("choices", choiceDelta(json.createObjectNode()
                    .put("content", piece), null))));
        }
        events.add(event(chunk(model1).set("choices", choiceDelta(json.createObjectNode(), answer.finishReason()))));
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode last = chunk(model1);
            last.putArray("choices");
            last.set("usage", usage(answer));
            events.add(event(last));
        }
        events.add(SseEvents.DONE);
        return delayed(model, Mono.just(events)).flatMapIterable(e -> e);
    }

    private record Answer(String text, long promptTokens, long completionTokens, String finishReason) {
    }

    private Answer answer(CatalogModel model, JsonNode body) {
        long maxTokens = Long.MAX_VALUE;
        for (String field : List.of("max_completion_tokens", "max_tokens")) {
            if (body.path(field).canConvertToLong()) {
                maxTokens = Math.min(maxTokens, body.get(field).asLong());
            }
        }
        String text = truncated(ANSWER, Math.min(ANSWER_TOKENS, maxTokens));
        long count = tokens.text(text);
        // "length" only when the client's max_tokens, not the mock's own answer length, cut the answer short
        // an image counts what the model's configuration says it counts at most, as a real upstream would bill it
        long prompt = model.promptTokens(tokens.prompt(body), tokens.images(body));
        return new Answer(text, prompt, count, maxTokens < ANSWER_TOKENS ? "length" : "stop");
    }

    /** The longest whole-word prefix of {@code text} of at most {@code limit} tokens. */
    private String truncated(String text, long limit) {
        String answer = text;
        while (tokens.text(answer) > limit && answer.trim().contains(" ")) {
            answer = answer.substring(0, answer.trim().lastIndexOf(' ') + 1);
        }
        return answer;
    }

    private ObjectNode usage(Answer answer) {
        ObjectNode usage = json.createObjectNode()
                .put("prompt_tokens", answer.promptTokens())
                .put("completion_tokens", answer.completionTokens())
                .put("total_tokens", answer.promptTokens() + answer.completionTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0);
        return usage;
    }

    private ObjectNode chunk(String model) {
        return json.createObjectNode()
                .put("id", "chatcmpl-mock")
                .put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000L)
                .put("model", model)
                .put("system_fingerprint", "tollgate-mock");
    }

    private ArrayNode choiceDelta(ObjectNode delta, String finishReason) {
        ArrayNode choices = json.createArrayNode();
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return choices;
    }

    private byte[] event(JsonNode data) {
        return SseEvents.data(json, data);
    }

    private static <T> Mono<T> delayed(CatalogModel model, Mono<T> answer) {
        Duration latency = model.deployment().mockLatency();
        return latency == null || latency.isZero() ? answer : Mono.delay(latency).then(answer);
    }
}
