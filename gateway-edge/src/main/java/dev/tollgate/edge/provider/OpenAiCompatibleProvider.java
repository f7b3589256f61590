package dev.tollgate.edge.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Bytes;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.resources.ConnectionProvider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Any OpenAI-compatible upstream (OpenAI, vLLM, Ollama, LM Studio, OpenRouter...): POST {base_url}/chat/completions
 * with the deployment's key from its environment variable. Streams are passed on chunk by chunk as they arrive.
 */
@Component
public class OpenAiCompatibleProvider implements ChatProvider {

    private static final Logger log = LoggerFactory.getLogger(OpenAiCompatibleProvider.class);

    private final WebClient client;
    private final ObjectMapper json;
    /**
     * The URI of each deployment's route, parsed once: a URI given as a string is expanded as a template (a regex
     * parse and a dozen strings) on every request.
     */
    private final Map<String, URI> uris = new ConcurrentHashMap<>();
    /** What WebClient does with a URI string (the default factory), done once per deployment and route. */
    private static final DefaultUriBuilderFactory URIS = new DefaultUriBuilderFactory();

    public OpenAiCompatibleProvider(TollgateProperties properties, ModelCatalog catalog, ObjectMapper json) {
        this.json = json;
        TollgateProperties.Edge edge = properties.edge();
        ConnectionProvider pool = ConnectionProvider.builder("upstream")
                .maxConnections(2_000)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(50))
                .build();
        HttpClient http = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) edge.upstreamConnectTimeout().toMillis())
                .responseTimeout(edge.upstreamTimeout());
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build();
        for (CatalogModel model : catalog.all()) {
            for (CatalogModel deployment : model.deployments()) {
                String env = deployment.deployment().apiKeyEnv();
                if (env != null && !env.isBlank() && System.getenv(env) == null) {
                    log.warn("Model '{}': environment variable {} (its upstream API key) is not set",
                            model.name(), env);
                }
            }
        }
    }

    @Override
    public Mono<byte[]> complete(CatalogModel model, ObjectNode body) {
        return request(model, body)
                .retrieve()
                .bodyToMono(byte[].class)
                .onErrorMap(e -> UpstreamHttp.failure(model, e, UnaryOperator.identity()));
    }

    @Override
    public Flux<byte[]> stream(CatalogModel model, ObjectNode body) {
        return request(model, body)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(DataBuffer.class)
                .map(Bytes::drain)
                .onErrorMap(e -> UpstreamHttp.failure(model, e, UnaryOperator.identity()));
    }

    @Override
    public Mono<byte[]> post(CatalogModel model, String path, ObjectNode body) {
        return request(model, path, body)
                .retrieve()
                .bodyToMono(byte[].class)
                .onErrorMap(e -> UpstreamHttp.failure(model, e, UnaryOperator.identity()));
    }

    @Override
    public Flux<byte[]> postStream(CatalogModel model, String path, ObjectNode body) {
        return request(model, path, body)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(DataBuffer.class)
                .map(Bytes::drain)
                .onErrorMap(e -> UpstreamHttp.failure(model, e, UnaryOperator.identity()));
    }

    private WebClient.RequestBodySpec request(CatalogModel model, ObjectNode body) {
        return request(model, "/chat/completions", body);
    }

    private WebClient.RequestBodySpec request(CatalogModel model, String path, ObjectNode body) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        WebClient.RequestBodySpec spec = client.post()
                .uri(uris.computeIfAbsent(model.deployment().baseUrl() + '\u0000' + path,
                        key -> URIS.expand(trimSlash(model.deployment().baseUrl()) + path)))
                .contentType(MediaType.APPLICATION_JSON);
        Duration timeout = model.deployment().timeout();
        if (timeout != null) {
            // this deployment's own limit, instead of tollgate.edge.upstream-timeout
            spec = spec.httpRequest(request -> {
                if (request.getNativeRequest() instanceof HttpClientRequest http) {
                    http.responseTimeout(timeout);
                }
            });
        }
        String apiKey = UpstreamHttp.apiKey(model);
        if (apiKey != null) {
            spec = spec.header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
        }
        return (WebClient.RequestBodySpec) spec.bodyValue(payload);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
