package dev.tollgate.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible chat upstream on a loopback port that takes {@code delayMillis} to answer, so that a load
 * keeps requests in flight, and remembers which requests reached it: the text of each request's first message.
 * It bills 12 prompt tokens and as many completion tokens as the forwarded {@code max_tokens} (or 20).
 */
public final class SlowUpstream implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> reached = ConcurrentHashMap.newKeySet();
    private final long delayMillis;

    public SlowUpstream(long delayMillis) throws IOException {
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The markers (first message's text) of every request that reached this upstream. */
    public Set<String> reached() {
        return Set.copyOf(reached);
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = json.readTree(exchange.getRequestBody());
            reached.add(request.path("messages").path(0).path("content").asText());
            long completion = request.path("max_tokens").asLong(20);
            try {
                Thread.sleep(delayMillis); // the upstream's latency: what keeps requests in flight under load
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
                    + request.path("model").asText() + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
                    + "\"completion_tokens\":" + completion + ",\"total_tokens\":" + (12 + completion) + "}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
