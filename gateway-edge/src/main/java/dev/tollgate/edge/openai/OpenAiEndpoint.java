package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelKind;
import dev.tollgate.edge.pricing.PriceInForce;

/**
 * One OpenAI route governed by {@link Governor}: which models it serves, where it forwards, and how it plans a
 * request (validation and worst case) and reads an answer's usage.
 */
interface OpenAiEndpoint {

    /** The route as clients call it, for messages: {@code /v1/embeddings}. */
    String route();

    /** Its {@code gen_ai.operation.name} (GatewayTelemetry's constants): the span's name and a metric label. */
    String operation();

    /** The path under a deployment's base URL: {@code /embeddings}. */
    String upstreamPath();

    /** The models this route serves. */
    ModelKind kind();

    /** Checks the body (400 on what the gateway relies on) and works out the request's worst case. */
    Plan plan(ObjectNode body, CatalogModel model, PriceInForce price);
}
