package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.wire.UpstreamFailure;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * Something that answers OpenAI chat completions. Failures arrive as {@link UpstreamFailure}.
 * The body handed over already names the upstream's model.
 */
public interface ChatProvider {

    /** A whole (non-streaming) answer, as the upstream's raw JSON bytes. */
    Mono<byte[]> complete(CatalogModel model, ObjectNode body);

    /**
     * A streamed answer: raw server-sent-event bytes, in chunks as they arrive (chunk boundaries are arbitrary).
     * An HTTP error status of the upstream fails the flux before its first element.
     */
    Flux<byte[]> stream(CatalogModel model, ObjectNode body);

    /**
     * Any other OpenAI route: POST the JSON {@code body} to {@code path} under the deployment's base URL
     * ({@code /embeddings}, {@code /completions}, {@code /images/generations}, {@code /responses}) and answer its raw
     * JSON bytes. A provider that cannot serve the route fails with an HTTP 400 {@link UpstreamFailure}.
     */
    default Mono<byte[]> post(CatalogModel model, String path, ObjectNode body) {
        return Mono.error(unsupported(model, path));
    }

    /** As {@link #post}, streamed: raw server-sent-event bytes, in chunks as they arrive. */
    default Flux<byte[]> postStream(CatalogModel model, String path, ObjectNode body) {
        return Flux.error(unsupported(model, path));
    }

    /** A provider that does not serve {@code path}: a 400 with an OpenAI-style error body. */
    static UpstreamFailure unsupported(CatalogModel model, String path) {
        String message = "The provider '" + model.provider() + "' of model '" + model.name() + "' does not serve /v1"
                + path + ".";
        byte[] body = ("{\"error\":{\"message\":\"" + message.replace("\"", "'") + "\",\"type\":"
                + "\"invalid_request_error\",\"param\":\"model\",\"code\":\"unsupported_endpoint\"}}")
                .getBytes(StandardCharsets.UTF_8);
        return new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, 400, body, null, message, null);
    }
}
