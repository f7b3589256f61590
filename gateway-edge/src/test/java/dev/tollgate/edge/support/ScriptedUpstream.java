package dev.tollgate.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real OpenAI-compatible HTTP server on a loopback port that answers as it is told: for each upstream model name
 * a queue of behaviours (a 429 with its Retry-After, a 500, a 400, a slow answer, a stream cut after its first
 * chunk), and after the queue the normal answer. The other OpenAI routes ({@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/images/generations}, {@code /v1/responses}) follow the same scripts and answer
 * in their own shapes (12 input tokens; output tokens: the forwarded maximum, or 20). Every request is logged, with the server's name, in one log that
 * several servers share, so that a test sees the order in which deployments were tried.
 */
public final class ScriptedUpstream implements AutoCloseable {

    public static final long PROMPT_TOKENS = 12;

    /** What the server does with one request. */
    public sealed interface Behaviour permits Ok, Status, Slow, Cut, Drop {
    }

    /** The normal answer: completion_tokens is the forwarded max_tokens (or 20). */
    public record Ok() implements Behaviour {
    }

    /** An OpenAI-style error; {@code retryAfter} is sent as Retry-After when not null. */
    public record Status(int status, String retryAfter) implements Behaviour {
    }

    /** Waits, then answers normally. */
    public record Slow(long millis) implements Behaviour {
    }

    /** A stream that sends its first chunks and breaks the connection. */
    public record Cut() implements Behaviour {
    }

    /** Reads the request, then closes the connection without answering. */
    public record Drop() implements Behaviour {
    }

    public static Behaviour drop() {
        return new Drop();
    }

    public static Behaviour ok() {
        return new Ok();
    }

    public static Behaviour status(int status) {
        return new Status(status, null);
    }

    public static Behaviour rateLimited(String retryAfter) {
        return new Status(429, retryAfter);
    }

    public static Behaviour slow(long millis) {
        return new Slow(millis);
    }

    public static Behaviour cut() {
        return new Cut();
    }

    /** One request: the server that got it, the upstream model it named, when. */
    public record Hit(String server, String model, long atMillis) {
        @Override
        public String toString() {
            return server + ":" + model;
        }
    }

    private final String name;
    private final List<Hit> log;
    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Deque<Behaviour>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> always = new ConcurrentHashMap<>();

    public ScriptedUpstream(String name, List<Hit> log) {
        this.name = name;
        this.log = log;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", this::chat);
        for (String route : List.of("/v1/completions", "/v1/embeddings", "/v1/images/generations", "/v1/responses")) {
            server.createContext(route, this::other);
        }
        server.start();
    }

    /** A log for several servers. */
    public static List<Hit> newLog() {
        return new CopyOnWriteArrayList<>();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The next requests for {@code model} get these behaviours, in order; later ones the normal answer. */
    public ScriptedUpstream script(String model, Behaviour... next) {
        scripts.computeIfAbsent(model, m -> new ArrayDeque<>()).addAll(List.of(next));
        return this;
    }

    /** Every request for {@code model} gets this behaviour (after its script), until {@link #heal}. */
    public ScriptedUpstream always(String model, Behaviour behaviour) {
        always.put(model, behaviour);
        return this;
    }

    public ScriptedUpstream heal(String model) {
        always.remove(model);
        scripts.remove(model);
        return this;
    }

    private Behaviour next(String model) {
        Deque<Behaviour> script = scripts.get(model);
        if (script != null) {
            synchronized (script) {
                Behaviour next = script.pollFirst();
                if (next != null) {
                    return next;
                }
            }
        }
        return always.getOrDefault(model, new Ok());
    }

    private void chat(HttpExchange exchange) throws IOException {
        JsonNode body = json.readTree(exchange.getRequestBody());
        String model = body.path("model").asText();
        log.add(new Hit(name, model, System.currentTimeMillis()));
        long maxTokens = body.path("max_completion_tokens").asLong(body.path("max_tokens").asLong(20));
        boolean stream = body.path("stream").asBoolean(false);
        Behaviour behaviour = next(model);
        if (behaviour instanceof Drop) {
            // the request was read: the server drops the connection without a status
            throw new IllegalStateException("the scripted upstream drops this connection");
        }
        try {
            if (behaviour instanceof Status status) {
                if (status.retryAfter() != null) {
                    exchange.getResponseHeaders().set("Retry-After", status.retryAfter());
                }
                error(exchange, status.status());
            } else if (behaviour instanceof Slow slow) {
                Thread.sleep(slow.millis());
                answer(exchange, body, model, maxTokens, stream, false);
            } else {
                answer(exchange, body, model, maxTokens, behaviour instanceof Cut || stream, behaviour instanceof Cut);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (IOException e) {
            // the gateway hung up (a timeout): nothing more to send
            exchange.close();
        }
        // a cut stream's exception leaves here: the server drops the connection without ending the answer
    }

    private void answer(HttpExchange exchange, JsonNode body, String model, long maxTokens, boolean stream,
                        boolean cut) throws IOException, InterruptedException {
        if (!stream) {
            ObjectNode answer = json.createObjectNode().put("id", "chatcmpl-" + name).put("object", "chat.completion")
                    .put("created", 1).put("model", model);
            answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                    .putObject("message").put("role", "assistant").put("content", "answered by " + name);
            answer.set("usage", usage(maxTokens));
            send(exchange, 200, json.writeValueAsBytes(answer));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        event(out, chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null));
        event(out, chunk(model, "{\"content\":\"Hello\"}", null));
        if (cut) {
            Thread.sleep(200); // let the chunks arrive before the connection breaks
            throw new IllegalStateException("the scripted upstream cuts this stream");
        }
        event(out, chunk(model, "{\"content\":\" world\"}", null));
        event(out, chunk(model, "{}", "stop"));
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode last = json.createObjectNode().put("id", "chatcmpl-" + name)
                    .put("object", "chat.completion.chunk").put("created", 1).put("model", model);
            last.putArray("choices");
            last.set("usage", usage(maxTokens));
            event(out, json.writeValueAsString(last));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    /** The routes besides chat completions: the same scripts, their own answers. */
    private void other(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        JsonNode body = json.readTree(exchange.getRequestBody());
        String model = body.path("model").asText();
        log.add(new Hit(name, model, System.currentTimeMillis()));
        Behaviour behaviour = next(model);
        try {
            if (behaviour instanceof Status status) {
                if (status.retryAfter() != null) {
                    exchange.getResponseHeaders().set("Retry-After", status.retryAfter());
                }
                error(exchange, status.status());
                return;
            }
            if (behaviour instanceof Slow slow) {
                Thread.sleep(slow.millis());
            }
            boolean stream = body.path("stream").asBoolean(false) || behaviour instanceof Cut;
            switch (path) {
                case "/v1/completions" -> completion(exchange, body, model, stream, behaviour instanceof Cut);
                case "/v1/embeddings" -> {
                    ObjectNode answer = json.createObjectNode().put("object", "list").put("model", model);
                    answer.putArray("data").addObject().put("object", "embedding").put("index", 0)
                            .putArray("embedding").add(0.6).add(0.8);
                    answer.putObject("usage").put("prompt_tokens", PROMPT_TOKENS).put("total_tokens", PROMPT_TOKENS);
                    send(exchange, 200, json.writeValueAsBytes(answer));
                }
                case "/v1/images/generations" -> {
                    ObjectNode answer = json.createObjectNode().put("created", 1);
                    var data = answer.putArray("data");
                    for (int i = 0; i < body.path("n").asInt(1); i++) {
                        data.addObject().put("url", "https://images.example/" + name + "/" + i + ".png");
                    }
                    send(exchange, 200, json.writeValueAsBytes(answer));
                }
                default -> response(exchange, body, model, stream, behaviour instanceof Cut);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (IOException e) {
            exchange.close();
        }
    }

    private void completion(HttpExchange exchange, JsonNode body, String model, boolean stream, boolean cut)
            throws IOException, InterruptedException {
        long maxTokens = body.path("max_tokens").asLong(20);
        if (!stream) {
            ObjectNode answer = json.createObjectNode().put("id", "cmpl-" + name).put("object", "text_completion")
                    .put("created", 1).put("model", model);
            answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                    .put("text", "answered by " + name);
            answer.set("usage", usage(maxTokens));
            send(exchange, 200, json.writeValueAsBytes(answer));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        event(out, "{\"object\":\"text_completion\",\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"text\":\"Hello\",\"finish_reason\":null}]}");
        if (cut) {
            Thread.sleep(200);
            throw new IllegalStateException("the scripted upstream cuts this stream");
        }
        event(out, "{\"object\":\"text_completion\",\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"text\":\" world\",\"finish_reason\":\"stop\"}]}");
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode last = json.createObjectNode().put("object", "text_completion").put("model", model);
            last.putArray("choices");
            last.set("usage", usage(maxTokens));
            event(out, json.writeValueAsString(last));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private void response(HttpExchange exchange, JsonNode body, String model, boolean stream, boolean cut)
            throws IOException, InterruptedException {
        long maxTokens = body.path("max_output_tokens").asLong(20);
        ObjectNode response = json.createObjectNode().put("id", "resp_" + name).put("object", "response")
                .put("status", "completed").put("model", model);
        response.putArray("output").addObject().put("type", "message").put("role", "assistant")
                .putArray("content").addObject().put("type", "output_text").put("text", "answered by " + name);
        response.putObject("usage").put("input_tokens", PROMPT_TOKENS).put("output_tokens", maxTokens)
                .put("total_tokens", PROMPT_TOKENS + maxTokens);
        if (!stream) {
            send(exchange, 200, json.writeValueAsBytes(response));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                + "\"delta\":\"Hello\"}\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (cut) {
            Thread.sleep(200);
            throw new IllegalStateException("the scripted upstream cuts this stream");
        }
        ObjectNode completed = json.createObjectNode().put("type", "response.completed");
        completed.set("response", response);
        out.write(("event: response.completed\ndata: " + json.writeValueAsString(completed) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private ObjectNode usage(long completionTokens) {
        return json.createObjectNode().put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", completionTokens)
                .put("total_tokens", PROMPT_TOKENS + completionTokens);
    }

    private static String chunk(String model, String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void error(HttpExchange exchange, int status) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("message", "scripted " + status + " from " + name)
                .put("type", status >= 500 ? "server_error" : "invalid_request_error")
                .put("code", status == 429 ? "rate_limit_exceeded" : status == 400 ? "invalid_value" : null);
        send(exchange, status, json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
