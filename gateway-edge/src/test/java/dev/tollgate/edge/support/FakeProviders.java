package dev.tollgate.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A fake Anthropic and a fake Azure OpenAI on one loopback port, answering with the recorded bodies of
 * src/test/resources/providers/. Anthropic under {@code /anthropic} (its base URL), behaviour by upstream model:
 * {@code claude-text} (the text answer; streams the recorded tool-use stream event by event), {@code claude-slow}
 * (streams until its first text delta, then waits for {@link #releaseStream()}), {@code claude-no-usage} (the
 * recorded answer and stream without their usage), {@code claude-429} (rate limited,
 * {@code retry-after: 9}). Azure under {@code /azure}: the recorded answer or stream; without {@code stream_options}
 * the stream has no usage chunk, as older api-versions do; the deployment {@code azure-503} is unavailable (503).
 */
public final class FakeProviders {

    /** A request as received: path, query, headers (lower-case names) and JSON body. */
    public record Received(String path, String query, Map<String, String> headers, JsonNode body) {
    }

    private static FakeProviders shared;

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final StreamHold hold = new StreamHold();

    private FakeProviders() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/anthropic/", this::anthropic);
        server.createContext("/azure/", this::azure);
        server.start();
    }

    public static synchronized FakeProviders shared() {
        if (shared == null) {
            try {
                shared = new FakeProviders();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Received> received() {
        return received;
    }

    /** The last request whose body contains {@code marker}. */
    public Received lastWith(String marker) {
        for (int i = received.size() - 1; i >= 0; i--) {
            if (received.get(i).body().toString().contains(marker)) {
                return received.get(i);
            }
        }
        return null;
    }

    public void holdNextStream() {
        hold.arm();
    }

    public boolean awaitFirstChunkSent() throws InterruptedException {
        return hold.awaitFirstChunkSent();
    }

    public void releaseStream() {
        hold.release();
    }

    private Received record(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                String.join(",", values)));
        Received request = new Received(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                headers, json.readTree(exchange.getRequestBody()));
        received.add(request);
        return request;
    }

    private void anthropic(HttpExchange exchange) throws IOException {
        Received request = record(exchange);
        String model = request.body().path("model").asText();
        if (model.equals("claude-429")) {
            exchange.getResponseHeaders().set("retry-after", "9");
            send(exchange, 429, "application/json", recorded("anthropic/error-rate-limit.json"));
            return;
        }
        // claude-no-usage: the recorded answers without their usage (an upstream that reports none)
        boolean noUsage = model.equals("claude-no-usage");
        if (!request.body().path("stream").asBoolean(false)) {
            byte[] message = recorded("anthropic/message-text.json");
            send(exchange, 200, "application/json", noUsage ? withoutUsage(message) : message);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        boolean held = model.equals("claude-slow");
        for (String event : new String(recorded("anthropic/stream-tool-use.sse"), StandardCharsets.UTF_8)
                .split("(?<=\n\n)")) {
            out.write(noUsage ? withoutUsage(event.getBytes(StandardCharsets.UTF_8))
                    : event.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (event.contains("text_delta") && hold.firstChunkPending()) {
                hold.firstChunkSent(held);
            }
        }
        out.close();
    }

    private void azure(HttpExchange exchange) throws IOException {
        Received request = record(exchange);
        if (request.path().contains("/deployments/azure-503/")) {
            send(exchange, 503, "application/json", ("{\"error\":{\"message\":\"The service is temporarily "
                    + "unavailable.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!request.body().path("stream").asBoolean(false)) {
            send(exchange, 200, "application/json", recorded("azure/chat-completion.json"));
            return;
        }
        boolean usage = request.body().path("stream_options").path("include_usage").asBoolean(false);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (String event : new String(recorded("azure/stream.sse"), StandardCharsets.UTF_8).split("(?<=\n\n)")) {
            if (!usage && event.contains("\"usage\"")) {
                continue;
            }
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.close();
    }

    /** A recorded body or event without its {@code usage} object. */
    private static byte[] withoutUsage(byte[] body) {
        return new String(body, StandardCharsets.UTF_8).replaceAll(",\\s*\"usage\":\\s*\\{[^}]*\\}", "")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] recorded(String path) {
        try (InputStream in = FakeProviders.class.getResourceAsStream("/providers/" + path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
