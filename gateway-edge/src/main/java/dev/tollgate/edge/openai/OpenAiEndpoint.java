package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelKind;
import dev.tollgate.edge.pricing.PriceInForce;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * One OpenAI route governed by {@link Governor}: which models it serves, where it forwards, and how it plans a
 * request (validation and worst case) and reads an answer's usage. A route says what it is once, in its
 * constructor; the request's lifecycle is the Governor's.
 */
abstract class OpenAiEndpoint {

    private final Governor governor;
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
    OpenAiEndpoint(Governor governor, String route, String operation, String upstreamPath, ModelKind kind) {
        this.governor = governor;
        this.route = route;
        this.operation = operation;
        this.upstreamPath = upstreamPath;
        this.kind = kind;
    }

    public Mono<ServerResponse> handle(ServerRequest request) {
        return governor.handle(request, this);
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

    /** Checks the body (400 on what the gateway relies on) and works out the request's worst case. */
    abstract Plan plan(ObjectNode body, CatalogModel model, PriceInForce price);
}
