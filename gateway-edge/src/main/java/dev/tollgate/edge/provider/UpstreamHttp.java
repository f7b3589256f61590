package dev.tollgate.edge.provider;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.wire.UpstreamFailure;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * What the Azure and Anthropic providers share with the OpenAI-compatible one: a non-blocking client with the edge's
 * timeouts, the upstream key read from its environment variable (never logged), and failures as
 * {@link UpstreamFailure}s.
 */
final class UpstreamHttp {

    private UpstreamHttp() {
    }

    static WebClient client(TollgateProperties properties, String poolName) {
        TollgateProperties.Edge edge = properties.edge();
        ConnectionProvider pool = ConnectionProvider.builder(poolName)
                .maxConnections(2_000)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(50))
                .build();
        HttpClient http = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) edge.upstreamConnectTimeout().toMillis())
                .responseTimeout(edge.upstreamTimeout());
        return WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build();
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

    /**
     * A failure as the chat handler understands it. {@code errorBody} turns an upstream's own error body into
     * OpenAI's shape (identity for OpenAI-shaped upstreams).
     */
    static Throwable failure(CatalogModel model, Throwable e, UnaryOperator<byte[]> errorBody) {
        if (e instanceof UpstreamFailure) {
            return e;
        }
        if (e instanceof WebClientResponseException status) {
            return new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, status.getStatusCode().value(),
                    errorBody.apply(status.getResponseBodyAsByteArray()),
                    status.getHeaders().getFirst(HttpHeaders.RETRY_AFTER),
                    "Deployment '" + model.deploymentName() + "' answered HTTP " + status.getStatusCode().value(), e);
        }
        Throwable cause = e instanceof WebClientRequestException request && request.getCause() != null
                ? request.getCause() : e;
        if (cause instanceof ReadTimeoutException || cause instanceof TimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, 0, null, null,
                    "Deployment '" + model.deploymentName() + "' did not answer in time", e);
        }
        return new UpstreamFailure(UpstreamFailure.Kind.CONNECTION, 0, null, null,
                "Deployment '" + model.deploymentName() + "' could not be reached"
                        + (cause instanceof ConnectException ? "" : ": " + cause.getMessage()), e);
    }
}
