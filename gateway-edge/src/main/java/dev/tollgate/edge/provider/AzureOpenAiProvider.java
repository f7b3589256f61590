package dev.tollgate.edge.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import io.netty.handler.codec.http.HttpHeaders;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Azure OpenAI: {@code POST {base-url}/openai/deployments/{deployment}/chat/completions?api-version=…} with the key in
 * an {@code api-key} header. Bodies and answers are OpenAI's (Azure adds content-filter fields, passed on as they
 * are); streams go through chunk by chunk. See {@link AzureRequests} for what changes on the way.
 */
@Component
public class AzureOpenAiProvider implements ChatProvider {

    private final UpstreamHttp upstream;
    private final ObjectMapper json;

    public AzureOpenAiProvider(TollgateProperties properties, ObjectMapper json) {
        this.json = json;
        this.upstream = new UpstreamHttp(properties, "upstream-azure");
    }

    @Override
    public Mono<byte[]> complete(CatalogModel model, ObjectNode body) {
        return Mono.defer(() -> upstream.post(model, AzureRequests.url(model), apiKey(model), payload(model, body),
                UnaryOperator.identity()))
                .onErrorMap(e -> UpstreamHttp.failure(model, e));
    }

    @Override
    public Flux<byte[]> stream(CatalogModel model, ObjectNode body) {
        return Flux.defer(() -> upstream.postStream(model, AzureRequests.url(model), apiKey(model),
                payload(model, body), UnaryOperator.identity()))
                .onErrorMap(e -> UpstreamHttp.failure(model, e));
    }

    private static Consumer<HttpHeaders> apiKey(CatalogModel model) {
        return UpstreamHttp.keyHeader(model, "api-key", "");
    }

    private byte[] payload(CatalogModel model, ObjectNode body) {
        try {
            return json.writeValueAsBytes(AzureRequests.body(model, body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
