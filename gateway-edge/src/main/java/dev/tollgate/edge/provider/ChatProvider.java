package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
        return Mono.error(UpstreamFailure.unsupported(model, path));
    }

    /** As {@link #post}, streamed: raw server-sent-event bytes, in chunks as they arrive. */
    default Flux<byte[]> postStream(CatalogModel model, String path, ObjectNode body) {
        return Flux.error(UpstreamFailure.unsupported(model, path));
    }
}
