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
}
