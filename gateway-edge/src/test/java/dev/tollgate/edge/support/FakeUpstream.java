package dev.tollgate.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.wire.TokenCounter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real OpenAI-compatible HTTP server on a loopback port, separate from the gateway, whose behaviour is chosen by
 * the upstream model name the gateway forwards:
 * <ul>
 *   <li>{@code up-normal}: a completion whose {@code completion_tokens} is the forwarded max_tokens (or 20),
 *       so that the real cost can equal the worst case;</li>
 *   <li>{@code up-over-max}: like {@code up-normal}, but 50 completion tokens more than the forwarded max_tokens;
 *       streamed, it writes them: one {@code " word"} (one token) per chunk;</li>
 *   <li>{@code up-reasoning-over-max}: like {@code up-over-max}, but streams every token as
 *       {@code reasoning_content} (DeepSeek's and vLLM's field), no content;</li>
 *   <li>{@code up-slow-reasoning}: streams {@link #SLOW_REASONING_TOKENS} one-token {@code reasoning} deltas
 *       (OpenRouter's and Ollama's field), then waits for {@link #releaseStream()};</li>
 *   <li>{@code up-plus-two}: like {@code up-normal}, but it counts the prompt as two tokens more than Tollgate's
 *       tokenizer does (another tokenizer, another framing);</li>
 *   <li>{@code up-error-500}, {@code up-429}, {@code up-400}: OpenAI-style errors;</li>
 *   <li>{@code up-no-usage}: a completion without a usage block; {@code up-no-usage-reasoning} the same with
 *   {@link #WHOLE_REASONING} as its message's {@code reasoning_content};</li>
 *   <li>{@code up-slow-stream}: streams its first chunk, then waits for {@link #releaseStream()};</li>
 *   <li>{@code up-cut-stream}: streams two chunks and breaks the connection.</li>
 * </ul>
 * The other OpenAI routes ({@code /v1/completions}, {@code /v1/embeddings}, {@code /v1/images/generations},
 * {@code /v1/responses}) answer in OpenAI's shapes with the same upstream model names: {@code up-normal} reports
 * {@link #PROMPT_TOKENS} input tokens and as many output tokens as the forwarded maximum (or 20); the error names
 * fail the same way; {@code up-no-usage} leaves the usage out; {@code up-slow-stream} holds a streamed response
 * after its first text delta; {@code up-reasoning-cut-stream} streams a reasoning summary delta and a reasoning
 * text delta ({@link #REASONING_DELTAS}) before its text deltas, then breaks the connection like
 * {@code up-cut-stream}; {@code up-image-usage} reports gpt-image-1's token usage with its images.
 * <p>
 * {@code up-given}, on the chat, completions, responses and images routes, answers what a test gave it
 * ({@link #give}, {@link #giveWhole}, {@link #giveRaw}) for the request whose body holds the marker it was given
 * with.
 */
public final class FakeUpstream {

    public static final long PROMPT_TOKENS = 12;
    public static final long DEFAULT_COMPLETION_TOKENS = 20;
    /** How many completion tokens {@code up-over-max} writes (and bills) beyond the max_tokens it was sent. */
    public static final long OVER_MAX_TOKENS = 50;
    /** The reasoning text {@code up-no-usage-reasoning} answers with. */
    public static final String WHOLE_REASONING = "Let me think this through step by step. ".repeat(6).trim();
    /** How many one-token reasoning deltas {@code up-slow-reasoning} streams before it waits. */
    public static final int SLOW_REASONING_TOKENS = 30;
    /** The reasoning deltas {@code up-reasoning-cut-stream} streams on {@code /v1/responses}. */
    public static final List<String> REASONING_DELTAS = List.of("Weighing the question at length",
            " and then some more careful thought about it");

    private static FakeUpstream shared;

    /** How a given stream ends after its events. */
    public enum End {
        /** {@code data: [DONE]}, with no usage before it. */
        DONE,
        /** The connection broken: no usage, no {@code [DONE]}. */
        CUT
    }

    /** What {@code up-given} streams or answers for a marker. */
    private record Given(List<String> events, End end, String whole, Raw raw) {
    }

    /** An answer as it is: status, content type (none when null), body (none when empty). */
    private record Raw(int status, String contentType, byte[] body) {
    }

    private final Map<String, Given> given = new ConcurrentHashMap<>();

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final StreamHold hold = new StreamHold();

    private FakeUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/completions", this::completions);
        server.createContext("/v1/embeddings", this::embeddings);
        server.createContext("/v1/images/generations", this::images);
        server.createContext("/v1/responses", this::responses);
        server.start();
    }

    public static synchronized FakeUpstream shared() {
        if (shared == null) {
            try {
                shared = new FakeUpstream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The bodies received, in order. */
    public List<JsonNode> requests() {
        return requests;
    }

    public JsonNode lastRequestFor(String marker) {
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).toString().contains(marker)) {
                return requests.get(i);
            }
        }
        return null;
    }

    /** Arms the slow stream: the next one stops after its first chunk until {@link #releaseStream()}. */
    public void holdNextStream() {
        hold.arm();
    }

    public boolean awaitFirstChunkSent() throws InterruptedException {
        return hold.awaitFirstChunkSent();
    }

    public void releaseStream() {
        hold.release();
    }

    /**
     * {@code up-given} streams these events (the JSON of each {@code data:} line) to the request whose body holds
     * {@code marker}, then ends as told; {@code stream_options} and {@code max_tokens} play no part.
     */
    public void give(String marker, List<String> events, End end) {
        given.put(marker, new Given(List.copyOf(events), end, null, null));
    }

    /** {@code up-given} answers this JSON, whole, to the request whose body holds {@code marker}. */
    public void giveWhole(String marker, String answer) {
        given.put(marker, new Given(List.of(), End.DONE, answer, null));
    }

    /**
     * {@code up-given} answers exactly this, whether asked for a stream or not: the status, the content type (none
     * when {@code null}) and the body (none at all when empty), to the request whose body holds {@code marker}.
     */
    public void giveRaw(String marker, int status, String contentType, byte[] body) {
        given.put(marker, new Given(List.of(), End.DONE, null, new Raw(status, contentType, body)));
    }

    /** How many requests holding {@code marker} the upstream received. */
    public long requestsFor(String marker) {
        return requests.stream().filter(request -> request.toString().contains(marker)).count();
    }

    /** Answers what was given for this request; false when its model is not {@code up-given}. */
    private boolean answeredAsGiven(HttpExchange exchange, JsonNode body) throws IOException {
        if (!body.path("model").asText().equals("up-given")) {
            return false;
        }
        String text = body.toString();
        Given script = given.entrySet().stream().filter(entry -> text.contains(entry.getKey()))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalStateException("nothing was given for " + text));
        if (script.raw() != null) {
            Raw raw = script.raw();
            if (raw.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", raw.contentType());
            }
            exchange.sendResponseHeaders(raw.status(), raw.body().length == 0 ? -1 : raw.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(raw.body());
            } catch (IOException e) {
                // the gateway hung up (an answer larger than it reads)
            }
            return true;
        }
        if (script.whole() != null) {
            send(exchange, 200, "application/json", script.whole().getBytes(StandardCharsets.UTF_8));
            return true;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            for (String event : script.events()) {
                event(out, event);
            }
            if (script.end() == End.CUT) {
                Thread.sleep(200); // as up-cut-stream: the events are read before the reset
                throw new IllegalStateException("the fake upstream cuts this stream");
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.close();
        } catch (IOException e) {
            // the gateway hung up: it stopped the stream at the tokens it granted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void chat(HttpExchange exchange) throws IOException {
        JsonNode body = json.readTree(exchange.getRequestBody());
        requests.add(body);
        if (answeredAsGiven(exchange, body)) {
            return;
        }
        String model = body.path("model").asText();
        long maxTokens = body.path("max_completion_tokens").asLong(body.path("max_tokens").asLong(DEFAULT_COMPLETION_TOKENS));
        if (model.equals("up-over-max") || model.equals("up-reasoning-over-max")) {
            maxTokens += OVER_MAX_TOKENS; // an upstream that ignores max_tokens, and bills what it wrote
        }
        switch (model) {
            case "up-error-500" -> error(exchange, 500, "server_error", "The upstream broke");
            case "up-429" -> {
                exchange.getResponseHeaders().set("Retry-After", "7");
                error(exchange, 429, "rate_limit_exceeded", "Rate limit reached for requests");
            }
            case "up-400" -> error(exchange, 400, "invalid_value", "Invalid value for 'temperature'");
            default -> {
                long prompt = model.equals("up-plus-two") ? new TokenCounter().prompt(body) + 2 : PROMPT_TOKENS;
                if (body.path("stream").asBoolean(false)) {
                    stream(exchange, body, model, maxTokens);
                } else {
                    complete(exchange, model, prompt, maxTokens, !model.startsWith("up-no-usage"));
                }
            }
        }
    }

    private void complete(HttpExchange exchange, String model, long promptTokens, long completionTokens,
                          boolean withUsage) throws IOException {
        ObjectNode answer = json.createObjectNode()
                .put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 1).put("model", model);
        ArrayNode choices = answer.putArray("choices");
        choices.addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant").put("content", "word ".repeat(5).trim());
        if (model.equals("up-no-usage-reasoning")) {
            ((ObjectNode) choices.get(0).get("message")).put("reasoning_content", WHOLE_REASONING);
        }
        if (withUsage) {
            answer.set("usage", usage(promptTokens, completionTokens));
        }
        send(exchange, 200, "application/json", json.writeValueAsBytes(answer));
    }

    private ObjectNode usage(long completionTokens) {
        return usage(PROMPT_TOKENS, completionTokens);
    }

    private ObjectNode usage(long promptTokens, long completionTokens) {
        ObjectNode usage = json.createObjectNode()
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return usage;
    }

    private void stream(HttpExchange exchange, JsonNode body, String model, long completionTokens)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        event(out, chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null));
        if (model.equals("up-over-max") || model.equals("up-reasoning-over-max")) {
            // writes every token it bills, ignoring max_tokens
            String word = model.equals("up-over-max") ? "{\"content\":\" word\"}"
                    : "{\"content\":null,\"reasoning_content\":\" word\"}";
            try {
                for (long i = 0; i < completionTokens; i++) {
                    event(out, chunk(model, word, null));
                }
                event(out, chunk(model, "{}", "length"));
                usageAndDone(out, body, model, completionTokens);
            } catch (IOException e) {
                // the gateway hung up: it stopped the stream at the tokens it granted
            }
            try {
                out.close();
            } catch (IOException e) {
                // already gone
            }
            return;
        }
        if (model.equals("up-slow-reasoning")) {
            slowReasoning(out, body, model, completionTokens);
            return;
        }
        event(out, chunk(model, "{\"content\":\"Hello\"}", null));
        hold.firstChunkSent(model.equals("up-slow-stream"));
        event(out, chunk(model, "{\"content\":\" world\"}", null));
        if (model.equals("up-cut-stream")) {
            // Break the connection mid-stream: no final chunk, no usage, no [DONE]. Wait a moment first: a reset
            // arriving with the chunks still unread would make the kernel drop them, which is not what we test.
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the fake upstream cuts this stream");
        }
        event(out, chunk(model, "{}", "stop"));
        usageAndDone(out, body, model, completionTokens);
        out.close();
    }

    /** The end of a chat stream: its usage chunk, when asked for, and {@code [DONE]}. */
    private void usageAndDone(OutputStream out, JsonNode body, String model, long completionTokens)
            throws IOException {
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode last = json.createObjectNode().put("id", "chatcmpl-fake")
                    .put("object", "chat.completion.chunk").put("created", 1).put("model", model);
            last.putArray("choices");
            last.set("usage", usage(completionTokens));
            event(out, json.writeValueAsString(last));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }

    /** Reasoning deltas, a wait for the release, then the answer: unless the gateway hung up meanwhile. */
    private void slowReasoning(OutputStream out, JsonNode body, String model, long completionTokens) {
        try {
            for (int i = 0; i < SLOW_REASONING_TOKENS; i++) {
                event(out, chunk(model, "{\"reasoning\":\" word\"}", null));
            }
            hold.firstChunkSent(true);
            event(out, chunk(model, "{\"content\":\" done\"}", "stop"));
            usageAndDone(out, body, model, completionTokens);
            out.close();
        } catch (IOException e) {
            // the client went away and the gateway with it
        }
    }

    private static String chunk(String model, String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("message", message).put("type", status == 500 ? "server_error"
                : "invalid_request_error").put("param", status == 400 ? "temperature" : null).put("code", code);
        send(exchange, status, "application/json", json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The upstream's answer for an error model, or false when the model is not one. */
    private boolean failed(HttpExchange exchange, String model) throws IOException {
        switch (model) {
            case "up-error-500" -> error(exchange, 500, "server_error", "The upstream broke");
            case "up-429" -> {
                exchange.getResponseHeaders().set("Retry-After", "7");
                error(exchange, 429, "rate_limit_exceeded", "Rate limit reached for requests");
            }
            case "up-400" -> error(exchange, 400, "invalid_value", "Invalid value for 'temperature'");
            default -> {
                return false;
            }
        }
        return true;
    }

    private JsonNode received(HttpExchange exchange) throws IOException {
        ObjectNode body = (ObjectNode) json.readTree(exchange.getRequestBody());
        body.put("_path", exchange.getRequestURI().getPath());
        requests.add(body);
        return body;
    }

    private void completions(HttpExchange exchange) throws IOException {
        JsonNode body = received(exchange);
        if (answeredAsGiven(exchange, body)) {
            return;
        }
        String model = body.path("model").asText();
        if (failed(exchange, model)) {
            return;
        }
        long maxTokens = body.path("max_tokens").asLong(DEFAULT_COMPLETION_TOKENS);
        if (body.path("stream").asBoolean(false)) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String piece : List.of("Once", " upon", " a time")) {
                event(out, "{\"id\":\"cmpl-fake\",\"object\":\"text_completion\",\"created\":1,\"model\":\""
                        + model + "\",\"choices\":[{\"text\":\"" + piece + "\",\"index\":0,\"logprobs\":null,"
                        + "\"finish_reason\":null}]}");
            }
            if (body.path("stream_options").path("include_usage").asBoolean(false)) {
                ObjectNode last = json.createObjectNode().put("id", "cmpl-fake").put("object", "text_completion")
                        .put("created", 1).put("model", model);
                last.putArray("choices");
                last.set("usage", usage(maxTokens));
                event(out, json.writeValueAsString(last));
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.close();
            return;
        }
        ObjectNode answer = json.createObjectNode().put("id", "cmpl-fake").put("object", "text_completion")
                .put("created", 1).put("model", model);
        answer.putArray("choices").addObject().put("text", "Once upon a time").put("index", 0).putNull("logprobs")
                .put("finish_reason", "length");
        if (!model.equals("up-no-usage")) {
            answer.set("usage", usage(maxTokens));
        }
        send(exchange, 200, "application/json", json.writeValueAsBytes(answer));
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        JsonNode body = received(exchange);
        String model = body.path("model").asText();
        if (failed(exchange, model)) {
            return;
        }
        JsonNode input = body.path("input");
        int items = input.isArray() && !input.isEmpty() && !input.get(0).isNumber() ? input.size() : 1;
        ObjectNode answer = json.createObjectNode().put("object", "list");
        ArrayNode data = answer.putArray("data");
        for (int i = 0; i < items; i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (body.path("encoding_format").asText("float").equals("base64")) {
                item.put("embedding", "AACAPwAAAEA="); // [1.0, 2.0] as little-endian float32
            } else {
                item.putArray("embedding").add(0.6).add(0.8);
            }
        }
        answer.put("model", model);
        if (!model.equals("up-no-usage")) {
            answer.putObject("usage").put("prompt_tokens", PROMPT_TOKENS).put("total_tokens", PROMPT_TOKENS);
        }
        send(exchange, 200, "application/json", json.writeValueAsBytes(answer));
    }

    public static final long IMAGE_INPUT_TOKENS = 50;
    public static final long IMAGE_OUTPUT_TOKENS = 4160;

    private void images(HttpExchange exchange) throws IOException {
        JsonNode body = received(exchange);
        if (answeredAsGiven(exchange, body)) {
            return;
        }
        String model = body.path("model").asText();
        if (failed(exchange, model)) {
            return;
        }
        int n = body.path("n").asInt(1);
        ObjectNode answer = json.createObjectNode().put("created", 1);
        ArrayNode data = answer.putArray("data");
        for (int i = 0; i < n; i++) {
            if (body.path("response_format").asText("url").equals("b64_json")) {
                data.addObject().put("b64_json", "iVBORw0KGgo=");
            } else {
                data.addObject().put("url", "https://images.example/" + i + ".png").put("revised_prompt", "a cat");
            }
        }
        if (model.equals("up-image-usage")) {
            ObjectNode usage = answer.putObject("usage").put("input_tokens", IMAGE_INPUT_TOKENS)
                    .put("output_tokens", IMAGE_OUTPUT_TOKENS * n).put("total_tokens", IMAGE_INPUT_TOKENS
                            + IMAGE_OUTPUT_TOKENS * n);
            usage.putObject("input_tokens_details").put("text_tokens", IMAGE_INPUT_TOKENS).put("image_tokens", 0);
        }
        send(exchange, 200, "application/json", json.writeValueAsBytes(answer));
    }

    private void responses(HttpExchange exchange) throws IOException {
        JsonNode body = received(exchange);
        if (answeredAsGiven(exchange, body)) {
            return;
        }
        String model = body.path("model").asText();
        if (failed(exchange, model)) {
            return;
        }
        long output = body.path("max_output_tokens").asLong(DEFAULT_COMPLETION_TOKENS);
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode answer = response(model, "completed", "Hello world", output);
            if (model.equals("up-no-usage")) {
                answer.putNull("usage");
            }
            send(exchange, 200, "application/json", json.writeValueAsBytes(answer));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        int[] sequence = {0};
        typed(out, "response.created", sequence, json.createObjectNode()
                .set("response", response(model, "in_progress", null, 0)));
        if (model.equals("up-reasoning-cut-stream")) {
            typed(out, "response.reasoning_summary_text.delta", sequence, delta(REASONING_DELTAS.get(0)));
            typed(out, "response.reasoning_text.delta", sequence, delta(REASONING_DELTAS.get(1)));
        }
        typed(out, "response.output_text.delta", sequence, delta("Hello"));
        hold.firstChunkSent(model.equals("up-slow-stream"));
        typed(out, "response.output_text.delta", sequence, delta(" world"));
        if (model.equals("up-cut-stream") || model.equals("up-reasoning-cut-stream")) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the fake upstream cuts this stream");
        }
        typed(out, "response.completed", sequence, json.createObjectNode()
                .set("response", response(model, "completed", "Hello world", output)));
        out.close();
    }

    private ObjectNode delta(String text) {
        ObjectNode delta = json.createObjectNode().put("item_id", "msg_fake").put("output_index", 0)
                .put("content_index", 0).put("delta", text);
        delta.putArray("logprobs");
        return delta;
    }

    private void typed(OutputStream out, String type, int[] sequence, ObjectNode payload) throws IOException {
        ObjectNode event = json.createObjectNode().put("type", type).put("sequence_number", sequence[0]++);
        event.setAll(payload);
        out.write(("event: " + type + "\ndata: " + json.writeValueAsString(event) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private ObjectNode response(String model, String status, String text, long outputTokens) {
        ObjectNode response = json.createObjectNode().put("id", "resp_fake").put("object", "response")
                .put("created_at", 1).put("status", status);
        response.putNull("error");
        response.putNull("incomplete_details");
        response.putNull("instructions");
        response.put("model", model);
        ArrayNode output = response.putArray("output");
        if (text != null) {
            ObjectNode message = output.addObject().put("type", "message").put("id", "msg_fake")
                    .put("status", "completed").put("role", "assistant");
            ObjectNode part = message.putArray("content").addObject().put("type", "output_text").put("text", text);
            part.putArray("annotations");
            ObjectNode usage = response.putObject("usage").put("input_tokens", PROMPT_TOKENS);
            usage.putObject("input_tokens_details").put("cached_tokens", 0);
            usage.put("output_tokens", outputTokens);
            usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
            usage.put("total_tokens", PROMPT_TOKENS + outputTokens);
        } else {
            response.putNull("usage");
        }
        response.put("parallel_tool_calls", true);
        response.put("temperature", 1.0);
        response.put("tool_choice", "auto");
        response.putArray("tools");
        response.put("top_p", 1.0);
        response.putObject("metadata");
        return response;
    }
}
