package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelKind;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.provider.ChatProvider;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One OpenAI route governed by {@link GovernedCall}: which models it serves, where it forwards, and how it plans a
 * request (validation and worst case) and reads an answer's usage. A route says what it is once, in its
 * constructor, and what differs in its {@link Plan}; the request's lifecycle is the GovernedCall's.
 */
abstract class OpenAiEndpoint {

    private final GovernedCall governed;
    private final String route;
    private final String operation;
    private final String upstreamPath;
    private final ModelKind kind;

    /**
     * @param route        the route as clients call it, for messages: {@code /v1/embeddings}
     * @param operation    its {@code gen_ai.operation.name} (GatewayTelemetry's constants): span name, metric label
     * @param upstreamPath the path under a deployment's base URL: {@code /embeddings}
     * @param kind         the models this route serves
     */
    OpenAiEndpoint(GovernedCall governed, String route, String operation, String upstreamPath, ModelKind kind) {
        this.governed = governed;
        this.route = route;
        this.operation = operation;
        this.upstreamPath = upstreamPath;
        this.kind = kind;
    }

    public Mono<ServerResponse> handle(ServerRequest request) {
        return governed.handle(request, this);
    }

    final String route() {
        return route;
    }

    final String operation() {
        return operation;
    }

    final String upstreamPath() {
        return upstreamPath;
    }

    final ModelKind kind() {
        return kind;
    }

    /** Checks what the route needs of the body before its model is looked up (400 on what it relies on). */
    void check(ObjectNode body) {
    }

    /** Checks the body (400 on what the gateway relies on) and works out the request's worst case. */
    abstract Plan plan(ObjectNode body, CatalogModel model, PriceInForce price);

    /** Sends one attempt to {@code target} and answers the upstream's whole answer. */
    Mono<byte[]> send(ChatProvider provider, CatalogModel target, ObjectNode body) {
        return provider.post(target, upstreamPath, body);
    }

    /** Sends one streamed attempt to {@code target}: its raw event bytes, in chunks as they arrive. */
    Flux<byte[]> sendStream(ChatProvider provider, CatalogModel target, ObjectNode body) {
        return provider.postStream(target, upstreamPath, body);
    }
}
