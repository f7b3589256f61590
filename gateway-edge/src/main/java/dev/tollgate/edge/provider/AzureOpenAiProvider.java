package dev.tollgate.edge.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Bytes;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Azure OpenAI: {@code POST {base-url}/openai/deployments/{deployment}/chat/completions?api-version=…} with the key in
 * an {@code api-key} header. Bodies and answers are OpenAI's (Azure adds content-filter fields, passed on as they
 * are); streams go through chunk by chunk. See {@link AzureRequests} for what changes on the way.
 */
@Component
public class AzureOpenAiProvider implements ChatProvider {

    private final WebClient client;
    private final ObjectMapper json;

    public AzureOpenAiProvider(TollgateProperties properties, ObjectMapper json) {
        this.json = json;
        this.client = UpstreamHttp.client(properties, "upstream-azure");
    }

    @Override
    public Mono<byte[]> complete(CatalogModel model, ObjectNode body) {
        return Mono.defer(() -> request(model, body).retrieve().bodyToMono(byte[].class))
                .onErrorMap(e -> UpstreamHttp.failure(model, e, b -> b));
    }

    @Override
    public Flux<byte[]> stream(CatalogModel model, ObjectNode body) {
        return Flux.defer(() -> request(model, body)
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .retrieve()
                        .bodyToFlux(DataBuffer.class)
                        .map(Bytes::drain))
                .onErrorMap(e -> UpstreamHttp.failure(model, e, b -> b));
    }

    private WebClient.RequestHeadersSpec<?> request(CatalogModel model, ObjectNode body) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(AzureRequests.body(model, body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        WebClient.RequestBodySpec spec = client.post()
                .uri(AzureRequests.url(model))
                .contentType(MediaType.APPLICATION_JSON);
        String apiKey = UpstreamHttp.apiKey(model);
        if (apiKey != null) {
            spec = spec.header("api-key", apiKey);
        }
        return spec.bodyValue(payload);
    }
}
