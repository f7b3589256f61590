package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.wire.UpstreamFailure;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What every provider's upstream call shares: a POST of a JSON body on Reactor Netty's client, with the edge's
 * timeouts (or the deployment's own), an upstream's error status and body as an {@link UpstreamFailure}, and a whole
 * answer capped at {@link #MAX_ANSWER_BYTES}. Reactor Netty directly, not Spring's {@code WebClient} over it: the
 * answer is bytes either way, and leaving WebClient's exchange, codecs and header copies took 17 to 20 % of the JVM's
 * CPU and 9 KB of allocation off each governed request (docs/performance.md).
 */
final class UpstreamHttp {

    /**
     * The most a whole (non-streamed) answer may hold. A larger one fails, and since it came with a success status
     * the upstream generated it and bills for it: it is not sent again, and is charged its reservation.
     */
    static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

    private static final byte[] NO_BYTES = new byte[0];
    /** Reads whether a JSON answer on a request for events is an error (a rare path). */
    private static final ObjectMapper ERRORS = new ObjectMapper();

    private final HttpClient http;
    /** Each deployment route's URI, parsed once (the URLs come from the configuration: a bounded set). */
    private final Map<String, URI> uris = new ConcurrentHashMap<>();

    UpstreamHttp(TollgateProperties properties, String poolName) {
        TollgateProperties.Edge edge = properties.edge();
        ConnectionProvider pool = ConnectionProvider.builder(poolName)
                .maxConnections(2_000)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(50))
                .build();
        this.http = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) edge.upstreamConnectTimeout().toMillis())
                .responseTimeout(edge.upstreamTimeout());
    }

    /**
     * POSTs {@code payload} (JSON) to {@code url} and answers the whole body. A success status without a body (a 204,
     * an empty 200) is a failure: nothing came back, so there is nothing to pass on or charge.
     *
     * @param headers   the provider's own headers (its key, its version)
     * @param errorBody turns the upstream's error body into OpenAI's shape (identity for OpenAI-shaped upstreams)
     */
    Mono<byte[]> post(CatalogModel model, String url, Consumer<HttpHeaders> headers, byte[] payload,
                      UnaryOperator<byte[]> errorBody) {
        return Mono.defer(() -> {
            AtomicBoolean sent = new AtomicBoolean();
            return send(model, url, headers, payload, false, sent)
                    .response((response, body) -> {
                        sent.set(true);
                        return response.status().code() >= 400 ? statusFailure(model, response, body, errorBody)
                                : joined(body.asByteArray()).switchIfEmpty(Mono.error(() -> emptyAnswer(model,
                                response)));
                    })
                    .next()
                    .onErrorMap(e -> failure(model, e, sent.get()));
        });
    }

    /**
     * POSTs {@code payload} (JSON) to {@code url} asking for server-sent events, and passes the answer on in chunks
     * as they arrive. An error status fails the flux before its first element.
     */
    Flux<byte[]> postStream(CatalogModel model, String url, Consumer<HttpHeaders> headers, byte[] payload,
                            UnaryOperator<byte[]> errorBody) {
        return Flux.defer(() -> {
            AtomicBoolean sent = new AtomicBoolean();
            return send(model, url, headers, payload, true, sent)
                    .response((response, body) -> {
                        sent.set(true);
                        if (response.status().code() >= 400) {
                            return statusFailure(model, response, body, errorBody);
                        }
                        return isJson(response) ? notAStream(model, response, body, errorBody)
                                : body.asByteArray();
                    })
                    .onErrorMap(e -> failure(model, e, sent.get()));
        });
    }

    /** @param sent set once the request is written: from then on the upstream may have it, and bill it */
    private HttpClient.ResponseReceiver<?> send(CatalogModel model, String url, Consumer<HttpHeaders> headers,
                                                byte[] payload, boolean eventStream, AtomicBoolean sent) {
        Duration timeout = model.deployment().timeout();
        return http.post()
                .uri(uris.computeIfAbsent(url, URI::create))
                .send((request, outbound) -> {
                    HttpHeaders requestHeaders = request.requestHeaders();
                    requestHeaders.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    requestHeaders.setInt(HttpHeaderNames.CONTENT_LENGTH, payload.length);
                    if (eventStream) {
                        requestHeaders.set(HttpHeaderNames.ACCEPT, "text/event-stream");
                    }
                    headers.accept(requestHeaders);
                    if (timeout != null) {
                        // this deployment's own limit, instead of tollgate.edge.upstream-timeout
                        request.responseTimeout(timeout);
                    }
                    return outbound.sendObject(Unpooled.wrappedBuffer(payload)).then()
                            .doOnSuccess(written -> sent.set(true));
                });
    }

    /** The chunks of a body as one array: the only chunk itself when there is one; empty when there is none. */
    private static Mono<byte[]> joined(Flux<byte[]> chunks) {
        return chunks.collect(Joined::new, Joined::add).flatMap(Joined::bytes);
    }

    private static final class Joined {
        private byte[] first;
        private ByteArrayOutputStream more;

        void add(byte[] chunk) {
            if (first == null) {
                first = chunk;
                return;
            }
            if (more == null) {
                more = new ByteArrayOutputStream(first.length + chunk.length);
                more.writeBytes(first);
            }
            if ((long) more.size() + chunk.length > MAX_ANSWER_BYTES) {
                throw new AnswerTooLarge();
            }
            more.writeBytes(chunk);
        }

        Mono<byte[]> bytes() {
            if (first == null) {
                return Mono.empty();
            }
            return Mono.just(more == null ? first : more.toByteArray());
        }
    }

    /** A whole answer larger than {@link #MAX_ANSWER_BYTES}. */
    static final class AnswerTooLarge extends RuntimeException {
        AnswerTooLarge() {
            super("its answer exceeded " + MAX_ANSWER_BYTES + " bytes", null, false, false);
        }
    }

    /** An error status: its whole body read, in OpenAI's shape, with its Retry-After, as the failure. */
    private static Mono<byte[]> statusFailure(CatalogModel model, HttpClientResponse response, ByteBufFlux body,
                                              UnaryOperator<byte[]> errorBody) {
        int status = response.status().code();
        // an error body too large to read is still the upstream's refusal: the status without its body
        return joined(body.asByteArray()).onErrorResume(AnswerTooLarge.class, e -> Mono.empty())
                .defaultIfEmpty(NO_BYTES)
                .flatMap(bytes -> Mono.error(new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, status,
                        errorBody.apply(bytes), response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER),
                        "Deployment '" + model.deploymentName() + "' answered HTTP " + status, null)));
    }

    /** Whether an answer says its body is JSON (not the event stream asked for). */
    private static boolean isJson(HttpClientResponse response) {
        String type = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }

    /**
     * A success status with JSON on a request for events: an error in a 200 (some servers report one so), which
     * is the upstream's refusal; or an answer that is no stream (a server that ignored {@code stream}), which the
     * upstream generated and bills but which is not what the client can read: charged its reservation
     * ({@link UpstreamFailure#mayBill}). Either way a clear error, never an empty successful stream.
     */
    private static Mono<byte[]> notAStream(CatalogModel model, HttpClientResponse response, ByteBufFlux body,
                                           UnaryOperator<byte[]> errorBody) {
        int status = response.status().code();
        return joined(body.asByteArray()).defaultIfEmpty(NO_BYTES).flatMap(bytes -> {
            boolean error = isError(bytes);
            return Mono.error(new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, status,
                    error ? errorBody.apply(bytes) : NO_BYTES, null, "Deployment '" + model.deploymentName()
                    + "' answered HTTP " + status + " with " + (error ? "an error" : "JSON")
                    + " instead of the event stream asked for", null, !error));
        });
    }

    private static boolean isError(byte[] bytes) {
        try {
            return ERRORS.readTree(bytes).path("error").isObject();
        } catch (IOException | RuntimeException notJson) {
            return false;
        }
    }

    /** A success status without a body: the upstream's status, nothing to pass on (not sent again: a 2xx). */
    private static UpstreamFailure emptyAnswer(CatalogModel model, HttpClientResponse response) {
        int status = response.status().code();
        return new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, status, NO_BYTES, null,
                "Deployment '" + model.deploymentName() + "' answered HTTP " + status + " without a body", null);
    }

    /**
     * Sets the deployment's upstream key as the header {@code name}, after {@code prefix}; nothing when there is no
     * key.
     */
    static Consumer<HttpHeaders> keyHeader(CatalogModel model, String name, String prefix) {
        String apiKey = apiKey(model);
        return apiKey == null ? headers -> { } : headers -> headers.set(name, prefix + apiKey);
    }

    /** The deployment's upstream key, or {@code null} when it names no variable or the variable is not set. */
    static String apiKey(CatalogModel model) {
        String env = model.deployment().apiKeyEnv();
        return env == null || env.isBlank() ? null : System.getenv(env);
    }

    static String trimSlash(String url) {
        String trimmed = url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    /** A failure as the governed lifecycle understands it, of a request not known to have been sent. */
    static Throwable failure(CatalogModel model, Throwable e) {
        return failure(model, e, false);
    }

    /**
     * A failure as the governed lifecycle understands it (an error status is one already). One that came after the
     * request was written ({@code sent}: a response timeout, a connection closed while waiting for or reading the
     * answer) may be billed by the upstream, which may have received the request and be generating its answer: it
     * is not sent again (docs/routing.md, "Retries"). One before (refused, connect timeout, DNS) cannot be.
     */
    static Throwable failure(CatalogModel model, Throwable e, boolean sent) {
        if (e instanceof UpstreamFailure) {
            return e;
        }
        if (e instanceof AnswerTooLarge) {
            return new UpstreamFailure(UpstreamFailure.Kind.TOO_LARGE, 0, null, null,
                    "Deployment '" + model.deploymentName() + "' answered more than " + MAX_ANSWER_BYTES + " bytes",
                    e, true);
        }
        if (e instanceof ReadTimeoutException || e instanceof TimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, 0, null, null,
                    "Deployment '" + model.deploymentName() + "' did not answer in time", e, sent);
        }
        // (a connect timeout is a ConnectException: never sent)
        boolean mayBill = sent && !(e instanceof ConnectException);
        return new UpstreamFailure(UpstreamFailure.Kind.CONNECTION, 0, null, null, mayBill
                ? "Deployment '" + model.deploymentName() + "' lost the connection: " + e.getMessage()
                : "Deployment '" + model.deploymentName() + "' could not be reached"
                        + (e instanceof ConnectException ? "" : ": " + e.getMessage()), e, mayBill);
    }
}
