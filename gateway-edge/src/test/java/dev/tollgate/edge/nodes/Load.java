package dev.tollgate.edge.nodes;

import dev.tollgate.edge.support.Http;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Clients sending chat requests in a loop until stopped, each marked by its text ({@code <prefix>-<n>}) and by the
 * tag {@code probe=<marker>}, so that what reached the upstream, what was answered and what the ledger recorded can
 * be matched one to one. {@code nodeFor} chooses the base URL of request {@code n}.
 */
final class Load implements AutoCloseable {

    record Answer(String marker, String node, int status, String requestId, String cost, String error) {
    }

    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService clients;

    Load(int clientCount, String prefix, String key, String model, int maxTokens, IntFunction<String> nodeFor) {
        clients = Executors.newFixedThreadPool(clientCount);
        for (int c = 0; c < clientCount; c++) {
            clients.execute(() -> {
                while (!stop.get()) {
                    int n = sequence.incrementAndGet();
                    String marker = prefix + "-" + n;
                    String node = nodeFor.apply(n);
                    HttpRequest request = HttpRequest.newBuilder(java.net.URI.create(node + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json").header("x-tollgate-tags", "probe=" + marker)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":"
                                    + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + marker
                                    + "\"}]}")).build();
                    try {
                        HttpResponse<String> response = Http.client().send(request,
                                HttpResponse.BodyHandlers.ofString());
                        answers.add(new Answer(marker, node, response.statusCode(),
                                response.headers().firstValue("x-request-id").orElse(null),
                                response.headers().firstValue("x-tollgate-cost").orElse(null),
                                response.statusCode() == 200 ? null : response.body()));
                    } catch (Exception e) {
                        answers.add(new Answer(marker, node, -1, null, null, e.toString()));
                        if (e instanceof InterruptedException) {
                            return;
                        }
                    }
                }
            });
        }
    }

    long count(int status) {
        return answers.stream().filter(a -> a.status() == status).count();
    }

    List<Answer> answers() {
        return List.copyOf(answers);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        clients.shutdown();
        if (!clients.awaitTermination(60, TimeUnit.SECONDS)) {
            clients.shutdownNow();
        }
    }
}
