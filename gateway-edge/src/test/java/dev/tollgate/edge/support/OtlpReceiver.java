package dev.tollgate.edge.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on a loopback port, in the test's JVM: it accepts {@code POST /v1/traces} with
 * protobuf bodies (as every OpenTelemetry SDK's exporter sends them), decodes them with the OTLP protobuf classes
 * and keeps the spans with their resource.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One received span and the resource (service) it came from. */
    public record ReceivedSpan(Span span, Resource resource, Map<String, String> requestHeaders) {

        public Optional<AnyValue> attribute(String key) {
            return find(span.getAttributesList(), key);
        }

        public String string(String key) {
            return attribute(key).map(AnyValue::getStringValue).orElse(null);
        }

        public Long integer(String key) {
            return attribute(key).filter(AnyValue::hasIntValue).map(AnyValue::getIntValue).orElse(null);
        }

        public String resourceString(String key) {
            return find(resource.getAttributesList(), key).map(AnyValue::getStringValue).orElse(null);
        }

        private static Optional<AnyValue> find(List<KeyValue> attributes, String key) {
            return attributes.stream().filter(a -> a.getKey().equals(key)).map(KeyValue::getValue).findFirst();
        }
    }

    private static OtlpReceiver shared;

    private final HttpServer server;
    private final ConcurrentLinkedQueue<ReceivedSpan> spans = new ConcurrentLinkedQueue<>();

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", this::traces);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    /** One receiver for the test JVM; the shared test application exports to it. */
    public static synchronized OtlpReceiver shared() {
        if (shared == null) {
            try {
                shared = new OtlpReceiver();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it ({@code /v1/traces} is appended by the exporter). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<ReceivedSpan> spans() {
        return new ArrayList<>(spans);
    }

    /** The span whose string attribute {@code key} is {@code value}, if it has arrived. */
    public Optional<ReceivedSpan> spanWith(String key, String value) {
        return spans.stream().filter(s -> value.equals(s.string(key))).findFirst();
    }

    private void traces(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                    for (Span span : scopeSpans.getSpansList()) {
                        spans.add(new ReceivedSpan(span, resourceSpans.getResource(), headers));
                    }
                }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
