package dev.tollgate.edge.provider;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Config;
import dev.tollgate.edge.wire.UpstreamFailure;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The upstream call every provider makes, against a real HTTP server on loopback: what is sent, a whole answer
 * however it is chunked, a stream chunk by chunk, an error status with its body and Retry-After, the cap on a whole
 * answer, and the deployment's own timeout.
 */
class UpstreamHttpTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] PAYLOAD = "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, Map<String, String>> RECEIVED = new ConcurrentHashMap<>();

    private static DisposableServer server;
    private final UpstreamHttp upstream = new UpstreamHttp(Config.tollgate(), "upstream-test");

    @BeforeAll
    static void startServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .post("/chunked", (request, response) -> request.receive().aggregate().asString()
                                .flatMap(body -> {
                                    Map<String, String> headers = new ConcurrentHashMap<>();
                                    request.requestHeaders().forEach(h -> headers.put(h.getKey().toLowerCase(),
                                            h.getValue()));
                                    headers.put("body", body);
                                    RECEIVED.put("chunked", headers);
                                    return Mono.empty();
                                })
                                .thenMany(response.header("content-type", "application/json")
                                        .sendString(Flux.just("{\"id\":", "\"x\",", "\"n\":1}")
                                                .delayElements(Duration.ofMillis(20)))))
                        .post("/limited", (request, response) -> request.receive().then(response
                                .status(HttpResponseStatus.TOO_MANY_REQUESTS).header("retry-after", "7")
                                .sendString(Mono.just("{\"error\":\"slow down\"}")).then()))
                        .post("/huge", (request, response) -> request.receive().then(response
                                .sendByteArray(Flux.range(0, UpstreamHttp.MAX_ANSWER_BYTES / 65_536 + 1)
                                        .map(i -> new byte[65_536])).then()))
                        .post("/empty", (request, response) -> request.receive().then(response.send()))
                        .post("/slow", (request, response) -> request.receive().then(Mono.delay(Duration.ofSeconds(5)))
                                .then(response.sendString(Mono.just("{}")).then()))
                        .post("/events", (request, response) -> request.receive().then(response
                                .header("content-type", "text/event-stream")
                                .sendString(Flux.just("data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n",
                                        "data: [DONE]\n\n").delayElements(Duration.ofMillis(20))).then())))
                .bindNow();
    }

    @AfterAll
    static void stopServer() {
        server.disposeNow();
    }

    @Test
    void postsTheJsonBodyWithItsLengthAndTheProvidersHeadersAndJoinsAChunkedAnswer() {
        byte[] answer = upstream.post(model(null), url("/chunked"), headers -> headers.set("x-api-key", "k1"),
                PAYLOAD, UnaryOperator.identity()).block(WAIT);

        assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"x\",\"n\":1}");
        Map<String, String> received = RECEIVED.get("chunked");
        assertThat(received).containsEntry("content-type", "application/json")
                .containsEntry("content-length", Integer.toString(PAYLOAD.length))
                .containsEntry("x-api-key", "k1")
                .containsEntry("body", new String(PAYLOAD, StandardCharsets.UTF_8));
    }

    @Test
    void anErrorStatusIsAnUpstreamFailureWithItsBodyInOpenAisShapeAndItsRetryAfter() {
        Throwable failure = catchThrowable(() -> upstream.post(model(null), url("/limited"), headers -> { },
                PAYLOAD, body -> ("shaped:" + new String(body, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8)).block(WAIT));

        assertThat(failure).isInstanceOf(UpstreamFailure.class);
        UpstreamFailure upstreamFailure = (UpstreamFailure) failure;
        assertThat(upstreamFailure.kind()).isEqualTo(UpstreamFailure.Kind.HTTP_STATUS);
        assertThat(upstreamFailure.status()).isEqualTo(429);
        assertThat(upstreamFailure.retryAfter()).isEqualTo("7");
        assertThat(new String(upstreamFailure.body(), StandardCharsets.UTF_8))
                .isEqualTo("shaped:{\"error\":\"slow down\"}");
    }

    @Test
    void aStreamedErrorStatusFailsBeforeItsFirstChunk() {
        List<byte[]> chunks = new java.util.ArrayList<>();
        Throwable failure = catchThrowable(() -> upstream.postStream(model(null), url("/limited"), headers -> { },
                PAYLOAD, UnaryOperator.identity()).doOnNext(chunks::add).blockLast(WAIT));

        assertThat(chunks).isEmpty();
        assertThat(failure).isInstanceOf(UpstreamFailure.class);
        assertThat(((UpstreamFailure) failure).status()).isEqualTo(429);
    }

    @Test
    void aWholeAnswerBeyondTheCapFailsInsteadOfFillingTheHeapAsAnAnswerTheUpstreamMayBill() {
        Throwable failure = catchThrowable(() -> upstream.post(model(null), url("/huge"), headers -> { },
                PAYLOAD, UnaryOperator.identity()).block(WAIT));

        assertThat(failure).isInstanceOf(UpstreamFailure.class);
        assertThat(((UpstreamFailure) failure).kind()).isEqualTo(UpstreamFailure.Kind.TOO_LARGE);
        assertThat(((UpstreamFailure) failure).mayBill()).isTrue();
        assertThat(failure.getMessage()).contains("more than " + UpstreamHttp.MAX_ANSWER_BYTES + " bytes");
    }

    @Test
    void anEmptyAnswerIsAFailureWithItsStatusThatTheUpstreamCannotHaveBilled() {
        Throwable failure = catchThrowable(() -> upstream.post(model(null), url("/empty"), headers -> { }, PAYLOAD,
                UnaryOperator.identity()).block(WAIT));

        assertThat(failure).isInstanceOf(UpstreamFailure.class);
        assertThat(((UpstreamFailure) failure).kind()).isEqualTo(UpstreamFailure.Kind.HTTP_STATUS);
        assertThat(((UpstreamFailure) failure).status()).isEqualTo(200);
        assertThat(((UpstreamFailure) failure).mayBill()).isFalse();
    }

    @Test
    void theDeploymentsOwnTimeoutEndsAnAnswerThatDoesNotCome() {
        Throwable failure = catchThrowable(() -> upstream.post(model(Duration.ofMillis(300)), url("/slow"),
                headers -> { }, PAYLOAD, UnaryOperator.identity()).block(WAIT));

        assertThat(failure).isInstanceOf(UpstreamFailure.class);
        assertThat(((UpstreamFailure) failure).kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
        // the request was sent: the upstream may be generating it, and bill it
        assertThat(((UpstreamFailure) failure).mayBill()).isTrue();
    }

    @Test
    void aStreamAsksForEventsAndPassesThemOn() {
        List<byte[]> chunks = upstream.postStream(model(null), url("/events"), headers -> { }, PAYLOAD,
                UnaryOperator.identity()).collectList().block(WAIT);

        String text = String.join("", chunks.stream().map(c -> new String(c, StandardCharsets.UTF_8)).toList());
        assertThat(text).isEqualTo("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n");
    }

    @Test
    void anUnreachableDeploymentIsAConnectionFailure() {
        Throwable failure = catchThrowable(() -> upstream.post(model(null), "http://127.0.0.1:1/v1/chat/completions",
                headers -> { }, PAYLOAD, UnaryOperator.identity()).block(WAIT));

        assertThat(failure).isInstanceOf(UpstreamFailure.class);
        assertThat(((UpstreamFailure) failure).kind()).isEqualTo(UpstreamFailure.Kind.CONNECTION);
        assertThat(((UpstreamFailure) failure).mayBill()).isFalse();
        assertThat(failure.getMessage()).startsWith("Deployment 'dep' could not be reached");
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private static CatalogModel model(Duration timeout) {
        TollgateProperties.Deployment deployment = timeout == null
                ? Config.bind(TollgateProperties.Deployment.class, "base-url", "http://127.0.0.1:1")
                : Config.bind(TollgateProperties.Deployment.class, "base-url", "http://127.0.0.1:1",
                "timeout", timeout.toMillis() + "ms");
        return new CatalogModel("m", 4096, null, "openai", "dep", "m", deployment);
    }
}
