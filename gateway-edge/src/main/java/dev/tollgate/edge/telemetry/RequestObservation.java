package dev.tollgate.edge.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.query.directory.KeyRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One gateway request as telemetry sees it: GovernedCall reports what happens (identified, forwarded, the
 * upstream's answer or chunks, settled, released, failed) and the first outcome ends the span and counts the request.
 * No prompt or answer text is ever recorded.
 *
 * <p>Attributes follow the OpenTelemetry GenAI semantic conventions (docs/observability.md). Both
 * {@code gen_ai.system} (conventions up to 1.36) and {@code gen_ai.provider.name} (1.37 on) are set, since trace
 * backends read one or the other.
 */
public final class RequestObservation {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<Long> REQUEST_CHOICES = AttributeKey.longKey("gen_ai.request.choice.count");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> USER_ID = AttributeKey.stringKey("user.id");
    static final AttributeKey<String> TG_REQUEST_ID = AttributeKey.stringKey("tollgate.request_id");
    static final AttributeKey<String> TG_OUTCOME = AttributeKey.stringKey("tollgate.outcome");
    static final AttributeKey<String> TG_COST = AttributeKey.stringKey("tollgate.cost");
    static final AttributeKey<String> TG_RESERVED = AttributeKey.stringKey("tollgate.reserved");
    static final AttributeKey<Long> TG_GRANTED_MAX_TOKENS = AttributeKey.longKey("tollgate.granted_max_tokens");
    static final AttributeKey<String> TG_TEAM = AttributeKey.stringKey("tollgate.team_id");
    static final AttributeKey<String> TG_USER = AttributeKey.stringKey("tollgate.user_id");
    static final AttributeKey<String> TG_KEY = AttributeKey.stringKey("tollgate.key_id");
    static final AttributeKey<String> TG_DEPLOYMENT = AttributeKey.stringKey("tollgate.deployment");
    static final AttributeKey<String> TG_UPSTREAM_MODEL = AttributeKey.stringKey("tollgate.upstream_model");
    static final AttributeKey<Boolean> TG_STREAM = AttributeKey.booleanKey("tollgate.stream");
    static final AttributeKey<String> TG_RELEASE_REASON = AttributeKey.stringKey("tollgate.release_reason");
    static final AttributeKey<Long> TG_CACHED_TOKENS = AttributeKey.longKey("tollgate.usage.cached_input_tokens");
    static final AttributeKey<String> TG_ROUTE = AttributeKey.stringKey("tollgate.route");
    static final AttributeKey<Long> TG_IMAGES = AttributeKey.longKey("tollgate.usage.images");
    static final AttributeKey<Long> TG_TTFT_MS = AttributeKey.longKey("tollgate.time_to_first_token_ms");

    private final GatewayTelemetry telemetry;
    private final long startedNanos;
    private final String operation;
    private final Span span; // null when not tracing
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile GatewayTelemetry.ModelMeters meters;
    private volatile String teamId;
    private volatile boolean wasForwarded;
    private volatile long forwardedNanos;
    private volatile boolean upstreamAnswered;
    private volatile long answeredNanos;
    private volatile boolean firstChunkSeen;
    private List<String> finishReasons; // chunks of one stream arrive in order, never concurrently

    RequestObservation(GatewayTelemetry telemetry, String requestId, String operation, Tracer tracer, Context parent,
                       long startedNanos) {
        this.telemetry = telemetry;
        this.startedNanos = startedNanos;
        this.operation = operation;
        if (tracer == null) {
            this.span = null;
        } else {
            SpanBuilder builder = tracer.spanBuilder(operation).setSpanKind(SpanKind.CLIENT)
                    .setAttribute(OPERATION, operation).setAttribute(TG_REQUEST_ID, requestId);
            if (parent != null) {
                builder.setParent(parent);
            }
            this.span = builder.startSpan();
        }
    }

    /**
     * The key, the model and a chat completion request are known (the request is valid as far as the gateway can
     * tell), with what the chat route read from the client's JSON {@code body}: the requested model, the user a team
     * key names, whether it streams, the output tokens per choice asked for and the number of choices.
     */
    public void identified(KeyRecord key, CatalogModel model, JsonNode body, String requestedModel, String namedUser,
                           boolean stream, Long maxTokens, int n) {
        if (identified(key, model, requestedModel, namedUser, stream, "/v1/chat/completions")) {
            requestParameters(body, maxTokens, n);
        }
    }

    /**
     * The key, the model and the request of another OpenAI route are known: {@code body} is the client's JSON (its
     * {@code model}, {@code user}, {@code max_tokens} or {@code max_output_tokens}, {@code temperature},
     * {@code top_p} and {@code n} are read; nothing else).
     */
    public void identified(KeyRecord key, CatalogModel model, JsonNode body, boolean stream, String route) {
        JsonNode user = body.get("user");
        if (identified(key, model, body.path("model").asText(), user != null && user.isTextual() ? user.asText() : null,
                stream, route)) {
            JsonNode max = body.has("max_output_tokens") ? body.get("max_output_tokens") : body.get("max_tokens");
            JsonNode n = body.get("n");
            requestParameters(body, max != null && max.canConvertToLong() ? max.asLong() : null,
                    n != null && n.canConvertToInt() ? n.asInt() : 1);
        }
    }

    /** The attributes every route has; whether a span is being made. */
    private boolean identified(KeyRecord key, CatalogModel model, String requestedModel, String namedUser,
                               boolean stream, String route) {
        this.meters = telemetry.meters(model);
        this.teamId = key.teamId();
        if (span == null) {
            return false;
        }
        span.updateName(operation + " " + requestedModel);
        span.setAttribute(REQUEST_MODEL, requestedModel);
        span.setAttribute(TG_ROUTE, route);
        if (meters.provider != null) {
            span.setAttribute(SYSTEM, meters.provider);
            span.setAttribute(PROVIDER, meters.provider);
        }
        if (meters.serverAddress != null) {
            span.setAttribute(SERVER_ADDRESS, meters.serverAddress);
            span.setAttribute(SERVER_PORT, meters.serverPort);
        }
        span.setAttribute(TG_DEPLOYMENT, model.deploymentName());
        span.setAttribute(TG_UPSTREAM_MODEL, model.upstreamModel());
        span.setAttribute(TG_TEAM, key.teamId());
        span.setAttribute(TG_KEY, key.keyId());
        String user = key.isTeamKey() ? namedUser : key.userId();
        if (user != null && telemetry.includeUserId()) {
            span.setAttribute(TG_USER, user);
            span.setAttribute(USER_ID, user);
        }
        span.setAttribute(TG_STREAM, stream);
        return true;
    }

    private void requestParameters(JsonNode body, Long maxTokens, int n) {
        if (maxTokens != null) {
            span.setAttribute(REQUEST_MAX_TOKENS, maxTokens);
        }
        if (n != 1) {
            span.setAttribute(REQUEST_CHOICES, n);
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && temperature.isNumber()) {
            span.setAttribute(REQUEST_TEMPERATURE, temperature.asDouble());
        }
        JsonNode topP = body.get("top_p");
        if (topP != null && topP.isNumber()) {
            span.setAttribute(REQUEST_TOP_P, topP.asDouble());
        }
    }

    /** The ledger reserved the worst case; the request goes upstream now. */
    public void forwarded(SpendOutcome.Reserved reservation) {
        forwardedNanos = System.nanoTime();
        wasForwarded = true;
        if (span != null) {
            span.setAttribute(TG_RESERVED, reservation.amount().toDecimalString());
            span.setAttribute(TG_GRANTED_MAX_TOKENS, reservation.grantedMaxTokens());
            if (reservation.userId() != null && telemetry.includeUserId()) {
                span.setAttribute(TG_USER, reservation.userId());
                span.setAttribute(USER_ID, reservation.userId());
            }
        }
    }

    /** A whole (non-streamed) answer arrived from the upstream. */
    public void upstreamAnswered() {
        answeredNanos = System.nanoTime();
        upstreamAnswered = true;
    }

    /** The upstream's answer (non-streamed), parsed: its id, model and finish reasons. */
    public void answer(JsonNode answer) {
        if (span == null) {
            return;
        }
        responseFields(answer);
        List<String> reasons = new ArrayList<>(1);
        for (JsonNode choice : answer.path("choices")) {
            JsonNode reason = choice.get("finish_reason");
            if (reason != null && reason.isTextual()) {
                reasons.add(reason.asText());
            }
        }
        if (!reasons.isEmpty()) {
            span.setAttribute(FINISH_REASONS, reasons);
        }
    }

    /** One parsed event of a streamed answer, in order. The first one is the time to first token. */
    public void chunk(JsonNode chunk) {
        if (!firstChunkSeen) {
            firstChunkSeen = true;
            long ttft = System.nanoTime() - startedNanos;
            if (meters != null) {
                meters.timeToFirstToken.record(ttft, TimeUnit.NANOSECONDS);
            }
            if (span != null) {
                span.setAttribute(TG_TTFT_MS, TimeUnit.NANOSECONDS.toMillis(ttft));
                span.addEvent("gen_ai.first_chunk");
                responseFields(chunk);
            }
        }
        if (span == null) {
            return;
        }
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode reason = choice.get("finish_reason");
            if (reason != null && reason.isTextual()) {
                if (finishReasons == null) {
                    finishReasons = new ArrayList<>(1);
                }
                finishReasons.add(reason.asText());
            }
        }
    }

    private void responseFields(JsonNode answer) {
        if (answer.get("response") instanceof com.fasterxml.jackson.databind.node.ObjectNode response) {
            answer = response; // the Responses API's events carry the response inside
        }
        JsonNode id = answer.get("id");
        if (id != null && id.isTextual()) {
            span.setAttribute(RESPONSE_ID, id.asText());
        }
        JsonNode model = answer.get("model");
        if (model != null && model.isTextual()) {
            span.setAttribute(RESPONSE_MODEL, model.asText());
        }
    }

    /** The real cost was recorded: the request's outcome is {@code settled}. */
    public void settled(Usage usage, Money cost) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        GatewayTelemetry.ModelMeters m = meters();
        m.inputTokens.increment(usage.promptTokens());
        m.outputTokens.increment(usage.completionTokens());
        double amount = cost.nanos() / 1e9;
        if (amount > 0) {
            telemetry.cost(m.model, teamId).increment(amount);
        }
        if (span != null) {
            span.setAttribute(INPUT_TOKENS, usage.promptTokens());
            span.setAttribute(OUTPUT_TOKENS, usage.completionTokens());
            if (usage.cachedPromptTokens() > 0) {
                span.setAttribute(TG_CACHED_TOKENS, usage.cachedPromptTokens());
            }
            if (usage.images() > 0) {
                span.setAttribute(TG_IMAGES, usage.images());
            }
            span.setAttribute(TG_COST, cost.toDecimalString());
            if (finishReasons != null) {
                span.setAttribute(FINISH_REASONS, finishReasons);
            }
        }
        end("settled", now, null, null);
    }

    /** The reservation was released: the upstream failed, the gateway did, or the client left before forwarding. */
    public void released(String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (span != null) {
            span.setAttribute(TG_RELEASE_REASON, reason);
        }
        end("released", System.nanoTime(), reason, "client_disconnected".equals(reason) ? null
                : "The reservation was released: " + reason);
    }

    /**
     * The request failed before any outcome was recorded: refused by the gateway or the ledger (outcome
     * {@code rejected}, e.g. insufficient_quota, rate_limit_exceeded, model_not_found) or broken (outcome
     * {@code failed}).
     */
    public void failed(Throwable failure) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (failure instanceof ApiError error) {
            boolean refused = error.status().is4xxClientError();
            String type = error.code() != null ? error.code() : error.type();
            if (span != null) {
                span.setAttribute(AttributeKey.longKey("http.response.status_code"), error.status().value());
            }
            end(refused ? "rejected" : "failed", System.nanoTime(), type, error.getMessage());
        } else {
            if (span != null) {
                span.recordException(failure);
            }
            end("failed", System.nanoTime(), failure.getClass().getName(), failure.getMessage());
        }
    }

    private GatewayTelemetry.ModelMeters meters() {
        GatewayTelemetry.ModelMeters m = meters;
        return m != null ? m : telemetry.meters(null);
    }

    private void end(String outcome, long now, String errorType, String errorMessage) {
        GatewayTelemetry.ModelMeters m = meters();
        long total = now - startedNanos;
        m.requests(operation, outcome).increment();
        m.duration(operation, outcome).record(total, TimeUnit.NANOSECONDS);
        if (wasForwarded) {
            // Non-streamed: the wait is from sending to the whole answer. Streamed: until the outcome (the stream's
            // end), so a stream's overhead is what came before it was forwarded.
            long upstreamWait = (upstreamAnswered ? answeredNanos : now) - forwardedNanos;
            m.overhead.record(Math.max(0, total - upstreamWait), TimeUnit.NANOSECONDS);
        }
        if (span == null) {
            return;
        }
        span.setAttribute(TG_OUTCOME, outcome);
        if (errorType != null) {
            span.setAttribute(ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR, errorMessage == null ? errorType : errorMessage);
        }
        span.end();
    }
}
