package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Observes gateway requests: one GenAI span each (when an OTLP endpoint is configured) and the request, token,
 * cost and latency meters. GovernedCall (every OpenAI route) calls {@link #start} and then
 * the hooks of the returned
 * {@link RequestObservation}; nothing here blocks or does I/O (spans leave in batches on the SDK's thread).
 *
 * <p>Meter labels are bounded: {@code model} is a configured model's name (or {@code unknown}), {@code team} is one
 * of at most {@code tollgate.telemetry.metrics.max-teams} teams (then {@code other}).
 */
@Component
public class GatewayTelemetry {

    /** The GenAI conventions' operation names used here (gen_ai.operation.name, the operation label). */
    public static final String CHAT = "chat";
    public static final String TEXT_COMPLETION = "text_completion";
    public static final String EMBEDDINGS = "embeddings";
    public static final String GENERATE_CONTENT = "generate_content";

    static final String UNKNOWN = "unknown";
    static final String OTHER_TEAMS = "other";

    private final Tracer tracer;
    private final OpenTelemetry openTelemetry;
    private final MeterRegistry meters;
    private final TollgateProperties.Telemetry settings;
    private final Map<String, ModelMeters> byModel = new ConcurrentHashMap<>();
    private final Map<String, Counter> costs = new ConcurrentHashMap<>();
    private final Set<String> labelledTeams = ConcurrentHashMap.newKeySet();

    public GatewayTelemetry(OpenTelemetry openTelemetry, MeterRegistry meters, TollgateProperties properties) {
        this.openTelemetry = openTelemetry;
        // The no-op OpenTelemetry means no endpoint: skip span work altogether rather than build no-op spans.
        this.tracer = openTelemetry instanceof io.opentelemetry.sdk.OpenTelemetrySdk
                ? openTelemetry.getTracer("dev.tollgate.gateway") : null;
        this.meters = meters;
        this.settings = properties.telemetry();
    }

    /** A chat completion has arrived; see {@link #start(String, ServerRequest, String)}. */
    public RequestObservation start(String requestId, ServerRequest request) {
        return start(requestId, request, CHAT);
    }

    /**
     * A request has arrived; its span (if tracing) starts now, as a child of the caller's {@code traceparent}.
     *
     * @param operation its {@code gen_ai.operation.name}: {@link #CHAT}, {@link #TEXT_COMPLETION},
     *                  {@link #EMBEDDINGS} or {@link #GENERATE_CONTENT} (also the {@code operation} label)
     */
    public RequestObservation start(String requestId, ServerRequest request, String operation) {
        Context parent = null;
        if (tracer != null && request.headers().firstHeader("traceparent") != null) {
            parent = openTelemetry.getPropagators().getTextMapPropagator()
                    .extract(Context.root(), request.headers().asHttpHeaders(), HEADERS);
        }
        return new RequestObservation(this, requestId, operation, tracer, parent, System.nanoTime());
    }

    /** Whether spans are being made and exported. */
    public boolean tracing() {
        return tracer != null;
    }

    boolean includeUserId() {
        return settings.traces().includeUserId();
    }

    ModelMeters meters(CatalogModel model) {
        return byModel.computeIfAbsent(model == null ? UNKNOWN : model.name(), name -> new ModelMeters(name, model));
    }

    Counter cost(String model, String teamId) {
        String team = teamLabel(teamId);
        return costs.computeIfAbsent(model + '\u0000' + team, k -> Counter.builder("tollgate.cost")
                .description("Settled cost in the ledger currency (an approximation for dashboards: the ledger is exact)")
                .tag("model", model).tag("team", team).register(meters));
    }

    /** The team's own label while fewer than max-teams teams have one, else {@code other}. */
    String teamLabel(String teamId) {
        if (teamId == null) {
            return UNKNOWN;
        }
        if (labelledTeams.contains(teamId)) {
            return teamId;
        }
        if (labelledTeams.size() < settings.metrics().maxTeams()) {
            labelledTeams.add(teamId);
            return teamId;
        }
        return OTHER_TEAMS;
    }

    /** The meters of one model, built once; the span attributes that depend only on the model. */
    final class ModelMeters {
        final String model;
        final String provider;
        final String serverAddress;
        final long serverPort;
        private final Map<String, Counter> requests = new ConcurrentHashMap<>();
        private final Map<String, Timer> durations = new ConcurrentHashMap<>();
        final Counter inputTokens;
        final Counter outputTokens;
        final Timer timeToFirstToken;
        final Timer overhead;

        ModelMeters(String model, CatalogModel catalogModel) {
            this.model = model;
            this.provider = catalogModel == null ? null : providerName(catalogModel.provider());
            URI base = baseUrl(catalogModel);
            this.serverAddress = base == null ? null : base.getHost();
            this.serverPort = base == null ? -1 : base.getPort() != -1 ? base.getPort()
                    : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
            this.inputTokens = tokens("input");
            this.outputTokens = tokens("output");
            this.timeToFirstToken = Timer.builder("tollgate.time.to.first.token")
                    .description("From a streamed request's arrival to the upstream's first chunk")
                    .tag("model", model)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                    .maximumExpectedValue(Duration.ofMinutes(2)).register(meters);
            this.overhead = Timer.builder("tollgate.gateway.overhead")
                    .description("Time of a forwarded request not spent waiting on the upstream: authentication, "
                            + "reservation, preparing and settling")
                    .tag("model", model)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(meters);
        }

        private Counter tokens(String type) {
            return Counter.builder("tollgate.tokens").description("Tokens of settled requests").tag("model", model).tag("type", type).register(meters);
        }

        Counter requests(String operation, String outcome) {
            return requests.computeIfAbsent(operation + '\u0000' + outcome, k -> Counter.builder("tollgate.requests")
                    .description("Gateway requests by model, operation and outcome (settled, released, rejected, "
                            + "failed)")
                    .tag("model", model).tag("operation", operation).tag("outcome", outcome).register(meters));
        }

        Timer duration(String operation, String outcome) {
            return durations.computeIfAbsent(operation + '\u0000' + outcome, k -> Timer.builder("tollgate.request.duration")
                    .description("From a request's arrival to its outcome (a stream's: its end)")
                    .tag("model", model).tag("operation", operation).tag("outcome", outcome)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(5)).register(meters));
        }
    }

    private static URI baseUrl(CatalogModel model) {
        if (model == null || model.deployment() == null || model.deployment().baseUrl() == null) {
            return null;
        }
        try {
            return URI.create(model.deployment().baseUrl());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** gen_ai.provider.name's well-known values where Tollgate's provider names differ. */
    static String providerName(String provider) {
        if (provider == null) {
            return null;
        }
        return switch (provider.toLowerCase(Locale.ROOT)) {
            case "azure", "azure-openai", "azure_openai" -> "azure.ai.openai";
            case "mock" -> "tollgate.mock";
            default -> provider.toLowerCase(Locale.ROOT);
        };
    }

    private static final TextMapGetter<HttpHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(HttpHeaders carrier, String key) {
            return carrier == null ? null : carrier.getFirst(key);
        }
    };
}
