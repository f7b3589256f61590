package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.provider.anthropic.AnthropicRequests;
import dev.tollgate.edge.provider.anthropic.AnthropicResponses;
import dev.tollgate.edge.provider.anthropic.AnthropicStream;
import dev.tollgate.edge.provider.anthropic.UnsupportedRequest;
import dev.tollgate.edge.wire.SseSplitter;
import dev.tollgate.edge.wire.UpstreamFailure;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Anthropic's Messages API behind the chat completions endpoint: {@code POST {base-url}/v1/messages} with
 * {@code x-api-key} and {@code anthropic-version}. Requests are translated by {@link AnthropicRequests}, answers by
 * {@link AnthropicResponses}, streams event by event by {@link AnthropicStream}, so the gateway's usage and cost logic
 * sees OpenAI shapes throughout.
 */
@Component
public class AnthropicProvider implements ChatProvider {

    public static final String DEFAULT_VERSION = "2023-06-01";

    private static final Logger log = LoggerFactory.getLogger(AnthropicProvider.class);

    private final UpstreamHttp upstream;
    private final ObjectMapper json;
    private final UnaryOperator<byte[]> errorBody;

    public AnthropicProvider(TollgateProperties properties, ObjectMapper json) {
        this.json = json;
        this.upstream = new UpstreamHttp(properties, "upstream-anthropic");
        this.errorBody = body -> AnthropicResponses.errorBody(body, json);
    }

    @Override
    public Mono<byte[]> complete(CatalogModel model, ObjectNode body) {
        return Mono.defer(() -> upstream.post(model, url(model), headers(model), messages(model, body), errorBody))
                .map(bytes -> translateAnswer(bytes))
                .onErrorMap(e -> failure(model, e));
    }

    @Override
    public Flux<byte[]> stream(CatalogModel model, ObjectNode body) {
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        return Flux.deferContextual(context -> {
                    AnthropicStream translator = new AnthropicStream(json, includeUsage, Instant.now().getEpochSecond(),
                            context.<ReportedPrompt>getOrDefault(ReportedPrompt.class, null));
                    return upstream.postStream(model, url(model), headers(model), messages(model, body), errorBody)
                            .concatMapIterable(translator::feed)
                            .concatWith(Flux.defer(() -> Flux.fromIterable(translator.end())));
                })
                .onErrorMap(e -> failure(model, e));
    }

    /** {@code {base}/v1/messages}; a base already ending in {@code /v1} is accepted too. */
    static String url(CatalogModel model) {
        String base = UpstreamHttp.trimSlash(model.deployment().baseUrl());
        return (base.endsWith("/v1") ? base : base + "/v1") + "/messages";
    }

    static String version(CatalogModel model) {
        String version = model.deployment().apiVersion();
        return version == null || version.isBlank() ? DEFAULT_VERSION : version.trim();
    }

    private static Consumer<HttpHeaders> headers(CatalogModel model) {
        String version = version(model);
        Consumer<HttpHeaders> apiKey = UpstreamHttp.keyHeader(model, "x-api-key", "");
        return headers -> {
            headers.set("anthropic-version", version);
            apiKey.accept(headers);
        };
    }

    private byte[] messages(CatalogModel model, ObjectNode body) {
        try {
            return AnthropicRequests.toMessages(body, model.maxOutputTokens(), json).toString()
                    .getBytes(StandardCharsets.UTF_8);
        } catch (UnsupportedRequest unsupported) {
            throw unsupported;
        } catch (RuntimeException untranslatable) {
            // a body of a shape the translation does not know: the client's to mend, not the deployment's failure
            // (counted as one, it would cool the deployment down for everyone); only the exception's class is
            // logged, as its message could quote the prompt
            log.warn("A request for deployment '{}' could not be translated to Anthropic's Messages API: {}",
                    model.deploymentName(), untranslatable.getClass().getName());
            throw new UnsupportedRequest(null, "This request could not be translated to Anthropic's Messages API.");
        }
    }

    /** A Message as a chat completion; anything else is passed on for the handler to refuse as not a completion. */
    private byte[] translateAnswer(byte[] bytes) {
        try {
            JsonNode message = json.readTree(bytes);
            if (message == null || !message.path("type").asText().equals("message")) {
                return bytes;
            }
            return json.writeValueAsBytes(AnthropicResponses.toChatCompletion(message,
                    Instant.now().getEpochSecond(), json));
        } catch (Exception e) {
            return bytes;
        }
    }

    private Throwable failure(CatalogModel model, Throwable e) {
        if (e instanceof UnsupportedRequest unsupported) {
            ObjectNode error = json.createObjectNode();
            error.putObject("error").put("message", unsupported.getMessage()).put("type", "invalid_request_error")
                    .put("param", unsupported.param()).put("code", "unsupported_by_provider");
            return new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, 400, error.toString().getBytes(
                    StandardCharsets.UTF_8), null, "Deployment '" + model.deploymentName()
                    + "' (Anthropic) cannot take this request", e);
        }
        if (e instanceof SseSplitter.EventTooLarge) {
            return e; // GovernedCall charges it as a stream the upstream went on generating
        }
        if (e instanceof AnthropicStream.StreamError streamError) {
            return new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, streamError.status(), streamError.body(),
                    null, "Deployment '" + model.deploymentName() + "' reported an error in its stream", e);
        }
        return UpstreamHttp.failure(model, e);
    }
}
