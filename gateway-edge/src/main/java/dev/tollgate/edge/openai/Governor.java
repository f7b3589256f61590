package dev.tollgate.edge.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.Limits;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.catalog.ModelKinds;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.ledger.SpendLedger;
import dev.tollgate.edge.pricing.PriceBookCache;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.provider.Providers;
import dev.tollgate.edge.ratelimit.KeyRateLimiter;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.edge.security.BearerToken;
import dev.tollgate.edge.support.Bytes;
import dev.tollgate.edge.telemetry.GatewayTelemetry;
import dev.tollgate.edge.telemetry.RequestObservation;
import dev.tollgate.edge.wire.BudgetMessages;
import dev.tollgate.edge.wire.RequestIds;
import dev.tollgate.edge.wire.RequestTags;
import dev.tollgate.edge.wire.TollgateHeaders;
import dev.tollgate.edge.wire.UpstreamErrors;
import dev.tollgate.edge.wire.UpstreamFailure;
import dev.tollgate.query.directory.KeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Governs the OpenAI routes other than chat completions exactly as {@link ChatCompletionsHandler} governs that one:
 * authenticate the key, check the model (exists, allowed to the key, serves this route, priced), apply the key's
 * rate limits, reserve the worst case on the budgets (a refusal is a 429 {@code insufficient_quota} and a recorded
 * rejection), forward, settle the real cost, or release the reservation when the upstream fails. Answers carry
 * {@code x-request-id}, {@code x-tollgate-reserved}, {@code x-tollgate-cost} (whole answers) and {@code usage.cost}
 * where the answer has a usage block. What a route does differently lives in its {@link OpenAiEndpoint}.
 */
@Component
public class Governor {

    private final dev.tollgate.edge.alert.BudgetWarnings warnings;

    private static final Logger log = LoggerFactory.getLogger(Governor.class);

    private final ObjectMapper json;
    private final ApiKeyAuthenticator authenticator;
    private final ModelCatalog catalog;
    private final Providers providers;
    private final SpendLedger ledger;
    private final TollgateProperties properties;
    private final PriceBookCache prices;
    private final KeyRateLimiter rateLimiter;
    private final GatewayTelemetry telemetry;

    public Governor(ObjectMapper json, ApiKeyAuthenticator authenticator, ModelCatalog catalog, Providers providers,
                    SpendLedger ledger, TollgateProperties properties, PriceBookCache prices,
                    KeyRateLimiter rateLimiter, GatewayTelemetry telemetry,
                    dev.tollgate.edge.alert.BudgetWarnings warnings) {
        this.warnings = warnings;
        this.telemetry = telemetry;
        this.json = json;
        this.authenticator = authenticator;
        this.catalog = catalog;
        this.providers = providers;
        this.ledger = ledger;
        this.properties = properties;
        this.prices = prices;
        this.rateLimiter = rateLimiter;
    }

    Mono<ServerResponse> handle(ServerRequest request, OpenAiEndpoint endpoint) {
        String requestId = RequestIds.next();
        long startedNanos = System.nanoTime();
        request.exchange().getResponse().getHeaders().set(TollgateHeaders.REQUEST_ID, requestId);
        RequestObservation observation = telemetry.start(requestId, request, endpoint.operation());
        return authenticator.authenticate(BearerToken.from(request.headers().asHttpHeaders()))
                .zipWith(body(request))
                .flatMap(keyAndBody -> new Call(endpoint, requestId, startedNanos, keyAndBody.getT1(),
                        parse(keyAndBody.getT2()), request.headers().firstHeader(TollgateHeaders.TAGS), observation)
                        .run())
                .doOnError(observation::failed);
    }

    private Mono<byte[]> body(ServerRequest request) {
        long max = properties.edge().maxBodySize().toBytes();
        if (request.headers().contentLength().orElse(-1) > max) {
            return Mono.error(ApiError.tooLarge(max));
        }
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), (int) Math.min(max, Integer.MAX_VALUE))
                .map(Bytes::drain)
                .switchIfEmpty(Mono.just(new byte[0]))
                .onErrorMap(DataBufferLimitException.class, e -> ApiError.tooLarge(max));
    }

    private ObjectNode parse(byte[] bytes) {
        JsonNode tree;
        try {
            tree = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.invalidRequest("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage() + ". The body must be a JSON object.", null);
        } catch (IOException e) {
            throw ApiError.invalidRequest("We could not read the body of your request.", null);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiError.invalidRequest("The request body must be a JSON object.", null);
        }
        return (ObjectNode) tree;
    }

    /** One request, from reservation to settlement. */
    private final class Call {

        private final OpenAiEndpoint endpoint;
        private final String requestId;
        private final long startedNanos;
        private final KeyRecord key;
        private final ObjectNode body;
        private final String user;
        private final CatalogModel model;
        private final PriceInForce price;
        private final Plan plan;
        private final Map<String, String> tags;
        private final RequestObservation observation;
        private KeyRateLimiter.Admission admission;
        private final Instant admittedAt;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean forwarded = new AtomicBoolean();
        private SpendOutcome.Reserved reservation;
        private Long loweredOutputTokens;

        Call(OpenAiEndpoint endpoint, String requestId, long startedNanos, KeyRecord key, ObjectNode body,
             String tagHeader, RequestObservation observation) {
            this.endpoint = endpoint;
            this.observation = observation;
            this.requestId = requestId;
            this.startedNanos = startedNanos;
            this.key = key;
            this.body = body;
            JsonNode name = body.get("model");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw ApiError.invalidRequest("You must provide a model parameter (a string).", "model");
            }
            JsonNode userField = body.get("user");
            if (userField != null && !userField.isNull() && !userField.isTextual()) {
                throw ApiError.invalidRequest("'user' must be a string.", "user");
            }
            if (userField != null && userField.isTextual() && userField.asText().length() > Limits.REQUEST_USER) {
                throw ApiError.invalidRequest("'user' has at most " + Limits.REQUEST_USER + " characters.", "user");
            }
            this.user = userField == null || userField.isNull() || userField.asText().isBlank() ? null
                    : userField.asText();
            this.model = catalog.find(name.asText()).orElseThrow(() -> ApiError.modelNotFound(name.asText()));
            if (!key.allows(model.name())) {
                throw ApiError.forbidden("model_not_allowed", "This API key may not use the model '" + model.name()
                        + "'. GET /v1/models lists the models it may use.");
            }
            ModelKinds.require(catalog, model, endpoint.kind(), endpoint.route());
            observation.identified(key, model, body, body.path("stream").asBoolean(false), endpoint.route());
            Instant now = Instant.now();
            this.price = prices.priceAt(model.name(), now).orElseThrow(() -> new ApiError(
                    HttpStatus.SERVICE_UNAVAILABLE, "api_error", "model_not_priced", "model", "The model '"
                    + model.name() + "' has no price in force, so Tollgate refuses it rather than charge nothing. "
                    + "An admin publishes its price with PUT /admin/prices.")
                    .withHeader("X-Should-Retry", "false"));
            this.plan = endpoint.plan(body, model, price);
            this.tags = RequestTags.of(key.defaultTags(), body.get("metadata"), tagHeader);
            this.admittedAt = now;
        }

        /** The key's rate limits first (they may live in Redis: asynchronous), then the budget. */
        Mono<ServerResponse> run() {
            return Mono.fromCompletionStage(() -> rateLimiter.admit(key, plan.promptTokens + plan.maxOutputTokens,
                            admittedAt))
                    .flatMap(admitted -> {
                        this.admission = admitted;
                        return reserveAndForward();
                    });
        }

        private Mono<ServerResponse> reserveAndForward() {
            CompletableFuture<SpendOutcome> decision = ledger.submit(key.teamId(), new ReserveSpend(requestId,
                    key.userId(), key.isTeamKey() ? user : null, key.keyId(), model.name(), plan.fixedCost,
                    plan.outputPrice, plan.maxOutputTokens, Math.min(plan.minOutputTokens, plan.maxOutputTokens),
                    properties.ledger().reservationTtl(), tags));
            return Mono.fromFuture(decision, true)
                    .doOnCancel(() -> decision.thenAccept(this::releaseIfNeverForwarded))
                    .flatMap(outcome -> {
                        if (outcome instanceof SpendOutcome.Rejected rejected) {
                            return Mono.error(BudgetMessages.rejection(rejected));
                        }
                        if (!(outcome instanceof SpendOutcome.Reserved reserved)) {
                            return Mono.error(ApiError.internal("The ledger did not reserve request " + requestId
                                    + "."));
                        }
                        this.reservation = reserved;
                        observation.forwarded(reserved);
                        return Mono.defer(() -> {
                            forwarded.set(true);
                            body.put("model", model.upstreamModel());
                            loweredOutputTokens = plan.limitOutput(reserved.grantedMaxTokens(), reserved.clamped());
                            return plan.stream ? stream() : complete();
                        }).onErrorResume(failure -> release("gateway_error").then(Mono.error(failure)));
                    });
        }

        private void releaseIfNeverForwarded(SpendOutcome outcome) {
            if (outcome instanceof SpendOutcome.Reserved && !forwarded.get()) {
                release("client_disconnected").subscribe();
            }
        }

        private ServerResponse.BodyBuilder headers(ServerResponse.BodyBuilder response) {
            admission.headers().forEach(response::header);
            response.header(TollgateHeaders.RESERVED, reservation.amount().toDecimalString());
            warnings.headerFor(key.teamId(), reservation.userId(), key.keyId())
                    .ifPresent(warning -> response.header(TollgateHeaders.BUDGET_WARNING, warning));
            if (loweredOutputTokens != null) {
                response.header(TollgateHeaders.MAX_TOKENS, Long.toString(loweredOutputTokens));
            }
            return response;
        }

        // ------------------------------------------------------------------ a whole answer

        /** Once sent upstream, a request runs to its settlement even if the client hangs up (it is charged). */
        private Mono<ServerResponse> complete() {
            CompletableFuture<ServerResponse> answer = providers.of(model)
                    .post(model, endpoint.upstreamPath(), body)
                    .onErrorResume(UpstreamFailure.class, this::releaseThenFail)
                    .doOnNext(bytes -> observation.upstreamAnswered())
                    .flatMap(this::answered)
                    .toFuture();
            return Mono.fromFuture(answer, true);
        }

        private Mono<ServerResponse> answered(byte[] bytes) {
            ObjectNode answer = null;
            Usage usage = null;
            try {
                if (json.readTree(bytes) instanceof ObjectNode object) {
                    answer = object;
                    usage = plan.usage(object);
                }
            } catch (Exception e) {
                usage = null;
            }
            if (usage == null) {
                return releaseThenFail(new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, 502, bytes, null,
                        "Deployment '" + model.deploymentName() + "' answered something that is not an answer of "
                                + endpoint.route(), null));
            }
            observation.answer(answer);
            Money cost = price.cost(usage, usage.images());
            plan.putCost(answer, cost);
            settle(usage, cost);
            byte[] out;
            try {
                out = json.writeValueAsBytes(answer);
            } catch (JsonProcessingException e) {
                return Mono.error(ApiError.internal("Could not write the answer of request " + requestId));
            }
            return headers(ServerResponse.ok())
                    .header(TollgateHeaders.COST, cost.toDecimalString())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(out);
        }

        // ------------------------------------------------------------------ a streamed answer

        private Mono<ServerResponse> stream() {
            EventRelay relay = new EventRelay(json, plan.dialect(), usage -> price.cost(usage, usage.images()));
            relay.observe(observation::chunk);
            Flux<byte[]> events = providers.of(model).postStream(model, endpoint.upstreamPath(), body)
                    .concatMapIterable(relay::onChunk)
                    .concatWith(Flux.defer(() -> finish(relay)))
                    .onErrorResume(failure -> {
                        if (!relay.emittedAny()) {
                            return failure instanceof UpstreamFailure upstream ? releaseThenFail(upstream)
                                    : release("gateway_error").then(Mono.error(failure));
                        }
                        // Cut after the first event: no retry; the usage delivered so far is charged.
                        log.warn("Stream {} was cut by the upstream after its first event: {}", requestId,
                                failure.getMessage());
                        Usage usage = relay.usage();
                        settle(usage, price.cost(usage, usage.images()));
                        return Flux.empty();
                    })
                    .doOnCancel(() -> {
                        Usage usage = relay.usage();
                        settle(usage, price.cost(usage, usage.images()));
                    });
            Flux<DataBuffer> out = events.map(DefaultDataBufferFactory.sharedInstance::wrap);
            return headers(ServerResponse.ok())
                    .contentType(MediaType.TEXT_EVENT_STREAM)
                    .header("Cache-Control", "no-cache")
                    .body(BodyInserters.fromDataBuffers(out));
        }

        private Flux<byte[]> finish(EventRelay relay) {
            Usage usage = relay.usage();
            Money cost = price.cost(usage, usage.images());
            settle(usage, cost);
            return Flux.fromIterable(relay.closing(cost));
        }

        // ------------------------------------------------------------------ closing the reservation

        /** Records the real cost; the answer does not wait for the commit (see ChatCompletionsHandler). */
        private void settle(Usage usage, Money cost) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
            rateLimiter.settle(admission, usage.totalTokens());
            observation.settled(usage, cost);
            SettleSpend line = new SettleSpend(requestId, model.name(), usage, cost, price.version(),
                    model.provider(), model.deploymentName(), latency);
            ledger.submit(key.teamId(), line).whenComplete((outcome, failure) -> {
                if (failure != null) {
                    log.error("Request {} could not be settled; its reservation will expire and be charged at its "
                            + "estimate", requestId, failure);
                }
            });
        }

        private Mono<Void> release(String reason) {
            if (!closed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            rateLimiter.settle(admission, 0);
            observation.released(reason);
            return Mono.fromFuture(ledger.submit(key.teamId(), new ReleaseReservation(requestId, reason)))
                    .doOnError(e -> log.error("Request {} could not be released; its reservation will expire",
                            requestId, e))
                    .onErrorResume(e -> Mono.empty())
                    .then();
        }

        private <T> Mono<T> releaseThenFail(UpstreamFailure failure) {
            String reason = switch (failure.kind()) {
                case HTTP_STATUS -> "upstream_http_" + failure.status();
                case TIMEOUT -> "upstream_timeout";
                case CONNECTION -> "upstream_unreachable";
            };
            return release(reason).then(Mono.error(UpstreamErrors.toApiError(failure, json)));
        }
    }
}
