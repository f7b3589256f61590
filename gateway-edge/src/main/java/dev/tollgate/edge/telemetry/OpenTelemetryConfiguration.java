package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.config.TollgateProperties;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenTelemetry SDK, built only when an OTLP endpoint is configured ({@code tollgate.telemetry.otlp.endpoint},
 * else {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_ENDPOINT}); otherwise the no-op
 * {@link OpenTelemetry}, and the gateway makes no spans at all. Spans leave in batches on the SDK's own thread.
 */
@Configuration(proxyBeanMethods = false)
public class OpenTelemetryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(OpenTelemetryConfiguration.class);

    /** Where and how spans are exported; {@code endpoint == null} when tracing is off. */
    public record OtlpTarget(String endpoint, boolean grpc, Map<String, String> headers) {
    }

    @Bean
    public OpenTelemetry openTelemetry(TollgateProperties properties, Environment environment) {
        TollgateProperties.Telemetry.Otlp otlp = properties.telemetry().otlp();
        OtlpTarget target = target(otlp, environment);
        if (target.endpoint() == null) {
            return OpenTelemetry.noop();
        }
        String serviceName = environment.getProperty("OTEL_SERVICE_NAME", otlp.serviceName());
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), serviceName)));
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(exporter(target, otlp))
                        .setScheduleDelay(otlp.batchDelay())
                        .build())
                .build();
        log.info("Exporting GenAI spans over OTLP ({}) to {}", target.grpc() ? "gRPC" : "HTTP/protobuf",
                target.endpoint());
        return OpenTelemetrySdk.builder()
                .setTracerProvider(tracerProvider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    private static SpanExporter exporter(OtlpTarget target, TollgateProperties.Telemetry.Otlp otlp) {
        if (target.grpc()) {
            OtlpGrpcSpanExporterBuilder builder = OtlpGrpcSpanExporter.builder()
                    .setEndpoint(target.endpoint()).setTimeout(otlp.timeout());
            target.headers().forEach(builder::addHeader);
            return builder.build();
        }
        OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
                .setEndpoint(target.endpoint()).setTimeout(otlp.timeout());
        target.headers().forEach(builder::addHeader);
        return builder.build();
    }

    /** The endpoint, protocol and headers from Tollgate's settings, falling back to the standard OTEL_* variables. */
    static OtlpTarget target(TollgateProperties.Telemetry.Otlp otlp, Environment environment) {
        String protocol = first(otlp.protocol(), environment.getProperty("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"),
                environment.getProperty("OTEL_EXPORTER_OTLP_PROTOCOL"), "http/protobuf").trim().toLowerCase(Locale.ROOT);
        boolean grpc = switch (protocol) {
            case "grpc" -> true;
            case "http/protobuf", "http" -> false;
            default -> throw new IllegalStateException("tollgate.telemetry.otlp.protocol (or OTEL_EXPORTER_OTLP_PROTOCOL)"
                    + " is '" + protocol + "': Tollgate exports spans over 'http/protobuf' or 'grpc'.");
        };
        String endpoint;
        if (blank(otlp.endpoint()) && !blank(environment.getProperty("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))) {
            endpoint = environment.getProperty("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").trim(); // a full URL, as is
        } else {
            String base = first(otlp.endpoint(), environment.getProperty("OTEL_EXPORTER_OTLP_ENDPOINT"), null);
            endpoint = blank(base) ? null : grpc ? base.trim() : tracesPath(base.trim());
        }
        Map<String, String> headers = new LinkedHashMap<>(parseHeaders(
                environment.getProperty("OTEL_EXPORTER_OTLP_HEADERS")));
        headers.putAll(parseHeaders(environment.getProperty("OTEL_EXPORTER_OTLP_TRACES_HEADERS")));
        headers.putAll(otlp.headers());
        return new OtlpTarget(endpoint, grpc, headers);
    }

    /** An OTLP/HTTP base URL gets the traces path, as OTEL_EXPORTER_OTLP_ENDPOINT does in every SDK. */
    static String tracesPath(String base) {
        if (base.endsWith("/v1/traces")) {
            return base;
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
    }

    /** {@code key1=value1,key2=value2}, values URL-encoded (the OTEL_EXPORTER_OTLP_HEADERS format). */
    static Map<String, String> parseHeaders(String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (blank(text)) {
            return headers;
        }
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                headers.put(pair.substring(0, equals).trim(),
                        URLDecoder.decode(pair.substring(equals + 1).trim(), StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    private static String first(String a, String b, String fallback) {
        return !blank(a) ? a : !blank(b) ? b : fallback;
    }

    private static String first(String a, String b, String c, String fallback) {
        return first(a, first(b, c, null), fallback);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
