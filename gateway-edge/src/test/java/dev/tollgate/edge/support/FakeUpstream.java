package dev.tollgate.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenAI-compatible HTTP server on a loopback port, separate from the gateway, whose behaviour is chosen by
 * the upstream model name the gateway forwards:
 * <ul>
 *   <li>{@code up-normal}: a completion whose {@code completion_tokens} is the forwarded max_tokens (or 20),
 *       so that the real cost can equal the worst case;</li>
 *   <li>{@code up-error-500}, {@code up-429}, {@code up-400}: OpenAI-style errors;</li>
 *   <li>{@code up-no-usage}: a completion without a usage block;</li>
 *   <li>{@code up-slow-stream}: streams its first chunk, then waits for {@link #releaseStream()};</li>
 *   <li>{@code up-cut-stream}: streams two chunks and breaks the connection.</li>
 * </ul>
 */
public final class FakeUpstream {

    public static final long PROMPT_TOKENS = 12;
    public static final long DEFAULT_COMPLETION_TOKENS = 20;

    private static FakeUpstream shared;

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch streamGate = new CountDownLatch(1);
    private volatile CountDownLatch firstChunkSent = new CountDownLatch(1);

    private FakeUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", this::chat);
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
        streamGate = new CountDownLatch(1);
        firstChunkSent = new CountDownLatch(1);
    }

    public boolean awaitFirstChunkSent() throws InterruptedException {
        return firstChunkSent.await(10, TimeUnit.SECONDS);
    }

    public void releaseStream() {
        streamGate.countDown();
    }

    private void chat(HttpExchange exchange) throws IOException {
        JsonNode body = json.readTree(exchange.getRequestBody());
        requests.add(body);
        String model = body.path("model").asText();
        long maxTokens = body.path("max_completion_tokens").asLong(body.path("max_tokens").asLong(DEFAULT_COMPLETION_TOKENS));
        switch (model) {
            case "up-error-500" -> error(exchange, 500, "server_error", "The upstream broke");
            case "up-429" -> {
                exchange.getResponseHeaders().set("Retry-After", "7");
                error(exchange, 429, "rate_limit_exceeded", "Rate limit reached for requests");
            }
            case "up-400" -> error(exchange, 400, "invalid_value", "Invalid value for 'temperature'");
            default -> {
                if (body.path("stream").asBoolean(false)) {
                    stream(exchange, body, model, maxTokens);
                } else {
                    complete(exchange, model, maxTokens, !model.equals("up-no-usage"));
                }
            }
        }
    }

    private void complete(HttpExchange exchange, String model, long completionTokens, boolean withUsage)
            throws IOException {
        ObjectNode answer = json.createObjectNode()
                .put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 1).put("model", model);
        ArrayNode choices = answer.putArray("choices");
        choices.addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant").put("content", "word ".repeat(5).trim());
        if (withUsage) {
            answer.set("usage", usage(completionTokens));
        }
        send(exchange, 200, "application/json", json.writeValueAsBytes(answer));
    }

    private ObjectNode usage(long completionTokens) {
        ObjectNode usage = json.createObjectNode()
                .put("prompt_tokens", PROMPT_TOKENS)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", PROMPT_TOKENS + completionTokens);
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
        event(out, chunk(model, "{\"content\":\"Hello\"}", null));
        firstChunkSent.countDown();
        if (model.equals("up-slow-stream")) {
            try {
                streamGate.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode last = json.createObjectNode().put("id", "chatcmpl-fake")
                    .put("object", "chat.completion.chunk").put("created", 1).put("model", model);
            last.putArray("choices");
            last.set("usage", usage(completionTokens));
            out.write(("data: " + json.writeValueAsString(last) + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.close();
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
}
