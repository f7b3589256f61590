package dev.tollgate.edge.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.config.TollgateProperties;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Any OpenAI-compatible upstream (OpenAI, vLLM, Ollama, LM Studio, OpenRouter...): POST {base_url}/chat/completions
 * with the deployment's key from its environment variable. Streams are passed on chunk by chunk as they arrive.
 */
@Component
public class OpenAiCompatibleProvider implements ChatProvider {

    private static final Logger log = LoggerFactory.getLogger(OpenAiCompatibleProvider.class);

    private final UpstreamHttp upstream;
    private final ObjectMapper json;

    public OpenAiCompatibleProvider(TollgateProperties properties, ModelCatalog catalog, ObjectMapper json) {
        this.json = json;
        this.upstream = new UpstreamHttp(properties, "upstream");
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
        return post(model, "/chat/completions", body);
    }

    @Override
    public Flux<byte[]> stream(CatalogModel model, ObjectNode body) {
        return postStream(model, "/chat/completions", body);
    }

    @Override
    public Mono<byte[]> post(CatalogModel model, String path, ObjectNode body) {
        return upstream.post(model, url(model, path), bearerKey(model), payload(body), UnaryOperator.identity());
    }

    @Override
    public Flux<byte[]> postStream(CatalogModel model, String path, ObjectNode body) {
        return upstream.postStream(model, url(model, path), bearerKey(model), payload(body), UnaryOperator.identity());
    }

    private static Consumer<HttpHeaders> bearerKey(CatalogModel model) {
        return UpstreamHttp.keyHeader(model, HttpHeaderNames.AUTHORIZATION.toString(), "Bearer ");
    }

    private static String url(CatalogModel model, String path) {
        return UpstreamHttp.trimSlash(model.deployment().baseUrl()) + path;
    }

    private byte[] payload(ObjectNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
