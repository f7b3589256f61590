package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Config;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bounds on meter labels, and where spans go (or do not). */
class GatewayTelemetryTest {

    @Test
    void teamsBeyondTheLimitAreCountedTogetherAsOther() {
        TollgateProperties properties = Config.tollgate("telemetry.metrics.max-teams", 2);
        GatewayTelemetry telemetry = new GatewayTelemetry(OpenTelemetry.noop(), new SimpleMeterRegistry(), properties);

        assertThat(telemetry.teamLabel("a")).isEqualTo("a");
        assertThat(telemetry.teamLabel("b")).isEqualTo("b");
        assertThat(telemetry.teamLabel("c")).isEqualTo("other");
        assertThat(telemetry.teamLabel("a")).as("a labelled team keeps its label").isEqualTo("a");
    }

    @Test
    void withoutAnEndpointThereIsNoTracing() {
        TollgateProperties properties = Config.tollgate();
        OpenTelemetry openTelemetry = new OpenTelemetryConfiguration().openTelemetry(properties, new MockEnvironment());

        assertThat(openTelemetry).isSameAs(OpenTelemetry.noop());
        assertThat(new GatewayTelemetry(openTelemetry, new SimpleMeterRegistry(), properties).tracing()).isFalse();
    }

    @Test
    void theStandardOtelVariablesAreHonouredAndTollgatesSettingsWin() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("OTEL_EXPORTER_OTLP_ENDPOINT", "https://cloud.langfuse.com/api/public/otel/")
                .withProperty("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20cGs6c2s=,x-langfuse-ingestion-version=4");
        TollgateProperties.Telemetry.Otlp otlp = Config.tollgate().telemetry().otlp();

        OpenTelemetryConfiguration.OtlpTarget target = OpenTelemetryConfiguration.target(otlp, environment);
        assertThat(target.endpoint()).isEqualTo("https://cloud.langfuse.com/api/public/otel/v1/traces");
        assertThat(target.grpc()).isFalse();
        assertThat(target.headers()).containsEntry("Authorization", "Basic cGs6c2s=")
                .containsEntry("x-langfuse-ingestion-version", "4");

        target = OpenTelemetryConfiguration.target(otlp("endpoint", "http://collector:4317", "protocol", "grpc"),
                environment);
        assertThat(target.endpoint()).as("gRPC takes the endpoint as it is").isEqualTo("http://collector:4317");
        assertThat(target.grpc()).isTrue();

        environment.setProperty("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://mlflow:5000/v1/traces");
        assertThat(OpenTelemetryConfiguration.target(otlp, environment).endpoint())
                .isEqualTo("http://mlflow:5000/v1/traces");

        assertThatThrownBy(() -> OpenTelemetryConfiguration.target(otlp("protocol", "http/json"), environment))
                .hasMessageContaining("http/protobuf");
    }

    private static TollgateProperties.Telemetry.Otlp otlp(Object... pairs) {
        return Config.bind(TollgateProperties.Telemetry.Otlp.class, pairs);
    }
}
