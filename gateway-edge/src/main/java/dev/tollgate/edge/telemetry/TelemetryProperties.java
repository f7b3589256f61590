package dev.tollgate.edge.telemetry;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code tollgate.telemetry.*}: where spans go (OTLP) and how many label values the metrics may grow to.
 * The standard {@code OTEL_EXPORTER_OTLP_*} environment variables are honoured when these are not set
 * (docs/observability.md).
 */
@ConfigurationProperties("tollgate.telemetry")
public class TelemetryProperties {

    private final Otlp otlp = new Otlp();
    private final Traces traces = new Traces();
    private final Metrics metrics = new Metrics();
    private final HealthSettings health = new HealthSettings();

    public Otlp getOtlp() { return otlp; }
    public Traces getTraces() { return traces; }
    public Metrics getMetrics() { return metrics; }
    public HealthSettings getHealth() { return health; }

    public static class HealthSettings {
        /**
         * Event processors reported by the eventProcessors health contributor but not allowed to make the node
         * unready when stopped or in error: recalculation-replay stops for a moment whenever a recalculation starts.
         */
        private java.util.List<String> optionalProcessors = new java.util.ArrayList<>(
                java.util.List.of("recalculation-replay"));

        public java.util.List<String> getOptionalProcessors() { return optionalProcessors; }
        public void setOptionalProcessors(java.util.List<String> optionalProcessors) {
            this.optionalProcessors = optionalProcessors;
        }
    }

    public static class Otlp {
        /**
         * The OTLP base URL, e.g. http://collector:4318 (HTTP, {@code /v1/traces} is appended) or
         * http://collector:4317 (gRPC). Unset (and no OTEL_EXPORTER_OTLP_ENDPOINT): no spans are made or sent.
         */
        private String endpoint;
        /** {@code http/protobuf} (default) or {@code grpc}. */
        private String protocol;
        /** Headers sent with every export, e.g. Authorization for Langfuse, x-mlflow-experiment-id for MLflow. */
        private Map<String, String> headers = new LinkedHashMap<>();
        /** How long one export may take. */
        private Duration timeout = Duration.ofSeconds(10);
        /** How long finished spans wait to be exported in one batch. */
        private Duration batchDelay = Duration.ofSeconds(2);
        /** The service.name resource attribute. */
        private String serviceName = "tollgate";

        public String getEndpoint() { return endpoint; }
        public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
        public String getProtocol() { return protocol; }
        public void setProtocol(String protocol) { this.protocol = protocol; }
        public Map<String, String> getHeaders() { return headers; }
        public void setHeaders(Map<String, String> headers) { this.headers = headers; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public Duration getBatchDelay() { return batchDelay; }
        public void setBatchDelay(Duration batchDelay) { this.batchDelay = batchDelay; }
        public String getServiceName() { return serviceName; }
        public void setServiceName(String serviceName) { this.serviceName = serviceName; }
    }

    public static class Traces {
        /**
         * Whether spans carry {@code tollgate.user_id} and {@code user.id} (the ids admins gave users, never names
         * or prompts). Turn off when the trace backend must not learn who asked.
         */
        private boolean includeUserId = true;

        public boolean isIncludeUserId() { return includeUserId; }
        public void setIncludeUserId(boolean includeUserId) { this.includeUserId = includeUserId; }
    }

    public static class Metrics {
        /**
         * The most teams that get their own {@code team} label on the cost counter and a remaining-budget gauge;
         * further teams are counted under {@code team="other"} and get no gauge.
         */
        private int maxTeams = 200;
        /** How often the remaining-budget gauges are read from the read model. */
        private Duration budgetRefresh = Duration.ofSeconds(30);

        public int getMaxTeams() { return maxTeams; }
        public void setMaxTeams(int maxTeams) { this.maxTeams = maxTeams; }
        public Duration getBudgetRefresh() { return budgetRefresh; }
        public void setBudgetRefresh(Duration budgetRefresh) { this.budgetRefresh = budgetRefresh; }
    }
}
