package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.catalog.ModelKind;
import dev.tollgate.edge.catalog.ModelKinds;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.ledger.SpendLedger;
import dev.tollgate.edge.pricing.PriceBookCache;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.provider.Providers;
import dev.tollgate.edge.ratelimit.KeyRateLimiter;
import dev.tollgate.edge.routing.Attempts;
import dev.tollgate.edge.routing.Router;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.edge.security.BearerToken;
import dev.tollgate.edge.support.Bytes;
import dev.tollgate.edge.telemetry.GatewayTelemetry;
import dev.tollgate.edge.telemetry.RequestObservation;
import dev.tollgate.edge.wire.BudgetMessages;
import dev.tollgate.edge.wire.RequestIds;
import dev.tollgate.edge.wire.RequestTags;
import dev.tollgate.edge.wire.SseEvents;
import dev.tollgate.edge.wire.TokenCounter;
import dev.tollgate.edge.wire.TollgateHeaders;
import dev.tollgate.edge.wire.UpstreamErrors;
import dev.tollgate.edge.wire.UpstreamFailure;
import dev.tollgate.edge.wire.UsageReader;
import dev.tollgate.query.directory.KeyRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /v1/chat/completions}, governed: authenticate, validate, estimate the worst case, reserve it on the
 * user's and the team's budgets, forward (lowering {@code max_tokens} when the budget only affords part), then settle
 * the real cost, or release the reservation when the upstream fails. Answers carry {@code x-request-id} and their
 * cost ({@code x-tollgate-cost}, {@code usage.cost}).
 */
@Component
public class ChatCompletionsHandler {

    private final dev.tollgate.edge.alert.BudgetWarnings warnings;


    private static final Logger log = LoggerFactory.getLogger(ChatCompletionsHandler.class);

    private final ObjectMapper json;
    private final ApiKeyAuthenticator authenticator;
    private final ModelCatalog catalog;
    private final Providers providers;
    private final TokenCounter tokens;
    private final SpendLedger ledger;
    private final TollgateProperties properties;
    private final Timer upstreamDuration;
    private final PriceBookCache prices;
    private final KeyRateLimiter rateLimiter;
    private final Router router;
    private final GatewayTelemetry telemetry;

    public ChatCompletionsHandler(ObjectMapper json, ApiKeyAuthenticator authenticator, ModelCatalog catalog,
                                  Providers providers, TokenCounter tokens, SpendLedger ledger,
                                  TollgateProperties properties, MeterRegistry meters, PriceBookCache prices,
                                  KeyRateLimiter rateLimiter, Router router, GatewayTelemetry telemetry,
                                  dev.tollgate.edge.alert.BudgetWarnings warnings) {
        this.warnings = warnings;
        this.router = router;
        this.telemetry = telemetry;
        this.prices = prices;
        this.rateLimiter = rateLimiter;
        this.upstreamDuration = Timer.builder("tollgate.upstream.duration")
                .description("From sending a request upstream to its whole answer (non-streaming)")
                .publishPercentiles(0.5, 0.9, 0.99).register(meters);
        this.json = json;
        this.authenticator = authenticator;
        this.catalog = catalog;
        this.providers = providers;
        this.tokens = tokens;
        this.ledger = ledger;
        this.properties = properties;
    }

    public Mono<ServerResponse> handle(ServerRequest request) {
        String requestId = RequestIds.next();
        long startedNanos = System.nanoTime();
        request.exchange().getResponse().getHeaders().set(TollgateHeaders.REQUEST_ID, requestId);
        RequestObservation observation = telemetry.start(requestId, request);
        return authenticator.authenticate(BearerToken.from(request.headers().asHttpHeaders()))
                .zipWith(body(request))
                .flatMap(keyAndBody -> new Call(requestId, startedNanos, keyAndBody.getT1(),
                        ChatRequest.parse(keyAndBody.getT2(), json),
                        request.headers().firstHeader(TollgateHeaders.TAGS),
                        request.exchange().getResponse().getHeaders(), observation).run())
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

    /** One request, from reservation to settlement. */
    private final class Call {

        private final String requestId;
        private final long startedNanos;
        private final KeyRecord key;
        private final ChatRequest chat;
        private final CatalogModel model;
        private final PriceInForce price;
        private final long promptTokens;
        private final long images;
        private final Map<String, String> tags;
        /** The models that may answer, in order (docs/routing.md), and their prices when the request started. */
        private final List<CatalogModel> chain;
        private final Map<String, PriceInForce> chainPrices;
        private final Instant startedAt;
        private final HttpHeaders responseHeaders;
        private KeyRateLimiter.Admission admission;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean forwarded = new AtomicBoolean();
        private final RequestObservation observation;
        private SpendOutcome.Reserved reservation;
        private Attempts attempts;

        Call(String requestId, long startedNanos, KeyRecord key, ChatRequest chat, String tagHeader,
             HttpHeaders responseHeaders, RequestObservation observation) {
            this.responseHeaders = responseHeaders;
            this.observation = observation;
            this.requestId = requestId;
            this.startedNanos = startedNanos;
            this.key = key;
            this.chat = chat;
            this.model = catalog.find(chat.model()).orElseThrow(() -> ApiError.modelNotFound(chat.model()));
            if (!key.allows(model.name())) {
                throw ApiError.forbidden("model_not_allowed", "This API key may not use the model '" + model.name()
                        + "'. GET /v1/models lists the models it may use.");
            }
            ModelKinds.require(catalog, model, ModelKind.CHAT, "/v1/chat/completions");
            observation.identified(key, model, chat.body(), chat.model(), chat.user(), chat.stream(),
                    chat.requestedMaxTokens(), chat.n());
            Instant now = Instant.now();
            this.price = prices.priceAt(model.name(), now).orElseThrow(() -> new ApiError(
                    HttpStatus.SERVICE_UNAVAILABLE, "api_error", "model_not_priced", "model", "The model '"
                    + model.name() + "' has no price in force, so Tollgate refuses it rather than charge nothing. "
                    + "An admin publishes its price with PUT /admin/prices.")
                    .withHeader("X-Should-Retry", "false")); // retrying cannot help until an admin acts
            this.tags = RequestTags.of(key.defaultTags(), chat.body().get("metadata"), tagHeader);
            this.promptTokens = tokens.prompt(chat.body());
            this.images = tokens.images(chat.body());
            this.startedAt = now;
            this.chainPrices = new LinkedHashMap<>();
            this.chain = plan(now);
        }

        /**
         * The models that may answer: the requested model and its fallbacks, or, when the prompt is too long for it,
         * its context-window fallbacks and then its fallbacks; only models the key may use, with a price in force
         * and a context window the prompt fits.
         */
        private List<CatalogModel> plan(Instant now) {
            List<String> names = new ArrayList<>();
            if (model.fits(promptTokens)) {
                names.add(model.name());
            } else {
                names.addAll(model.routing().contextWindowFallbacks());
            }
            names.addAll(model.routing().fallbacks());
            List<CatalogModel> plan = new ArrayList<>();
            for (String name : names) {
                CatalogModel candidate = name.equals(model.name()) ? model : catalog.find(name).orElse(null);
                if (candidate == null || chainPrices.containsKey(name) || !candidate.fits(promptTokens)
                        || !key.allows(name)) {
                    continue;
                }
                PriceInForce candidatePrice = name.equals(model.name()) ? price
                        : prices.priceAt(name, now).orElse(null);
                if (candidatePrice != null) {
                    plan.add(candidate);
                    chainPrices.put(name, candidatePrice);
                }
            }
            if (plan.isEmpty()) {
                throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "context_length_exceeded",
                        "messages", "This model's context window is " + model.contextWindow() + " tokens; the "
                        + "messages have " + promptTokens + ". Shorten them, or use a model with a larger window.");
            }
            return List.copyOf(plan);
        }

        /** The most output tokens per choice a model may produce for this request: max_tokens, or its cap. */
        private long naturalPerChoice(CatalogModel candidate) {
            return Math.min(chat.requestedMaxTokens() == null ? candidate.maxOutputTokens()
                    : chat.requestedMaxTokens(), candidate.maxOutputTokens());
        }

        /**
         * The output tokens the worst case is computed for: max_tokens (or the model's cap), times n; the largest
         * of the models that may answer.
         */
        private long maxOutputTokens() {
            long perChoice = 0;
            for (CatalogModel candidate : chain) {
                perChoice = Math.max(perChoice, naturalPerChoice(candidate));
            }
            return perChoice * chat.n();
        }

        /** The output tokens per choice forwarded to a model: what the budget granted, within its cap. */
        private long grantedPerChoice(CatalogModel candidate) {
            return Math.min(naturalPerChoice(candidate), reservation.grantedMaxTokens() / chat.n());
        }

        private PriceInForce priceOf(CatalogModel answering) {
            return answering == null ? price : chainPrices.getOrDefault(answering.name(), price);
        }

        Mono<ServerResponse> run() {
            return Mono.fromCompletionStage(() -> rateLimiter.admit(key, promptTokens + maxOutputTokens(), startedAt))
                    .flatMap(admitted -> {
                        this.admission = admitted;
                        return reserveAndForward();
                    });
        }

        private Mono<ServerResponse> reserveAndForward() {
            CompletableFuture<SpendOutcome> decision = reserve();
            // What follows the decision runs on the ledger's dispatch thread: it only prepares the (non-blocking)
            // upstream call, which measured cheaper than a hop to another thread (docs/performance.md).
            // A client that hangs up while its reservation is being decided must not leave it open until it expires.
            return Mono.fromFuture(decision, true)
                    .doOnCancel(() -> decision.thenAccept(this::releaseIfNeverForwarded))
                    .flatMap(outcome -> {
                if (outcome instanceof SpendOutcome.Rejected rejected) {
                    return Mono.error(BudgetMessages.rejection(rejected));
                }
                if (!(outcome instanceof SpendOutcome.Reserved reserved)) {
                    return Mono.error(ApiError.internal("The ledger did not reserve request " + requestId + "."));
                }
                this.reservation = reserved;
                // Whatever goes wrong from here on, a reservation that was not settled is released.
                return Mono.defer(() -> {
                    forwarded.set(true);
                    observation.forwarded(reserved);
                    attempts = new Attempts(router, chain, candidate -> promptTokens
                            + grantedPerChoice(candidate) * chat.n());
                    return chat.stream() ? stream() : complete();
                }).onErrorResume(failure -> release("gateway_error").then(Mono.error(failure)));
            });
        }

        private void releaseIfNeverForwarded(SpendOutcome outcome) {
            if (outcome instanceof SpendOutcome.Reserved && !forwarded.get()) {
                release("client_disconnected").subscribe();
            }
        }

        private CompletableFuture<SpendOutcome> reserve() {
            long maxOutput = maxOutputTokens();
            long minOutput = Math.min(properties.ledger().minOutputTokens() * chat.n(), maxOutput);
            // The worst case over every model that may answer: a fallback is charged at its own price, and the
            // reservation covers it (docs/routing.md).
            Money promptCost = null;
            dev.tollgate.api.money.TokenPrice outputPrice = null;
            for (PriceInForce candidate : chainPrices.values()) {
                Money fixed = candidate.fixedCost(promptTokens, images);
                if (promptCost == null || fixed.compareTo(promptCost) > 0) {
                    promptCost = fixed;
                }
                if (outputPrice == null || candidate.worstOutputPrice().perMillion()
                        .compareTo(outputPrice.perMillion()) > 0) {
                    outputPrice = candidate.worstOutputPrice();
                }
            }
            ReserveSpend line = new ReserveSpend(requestId, key.userId(), key.isTeamKey() ? chat.user() : null,
                    key.keyId(), model.name(), promptCost, outputPrice,
                    maxOutput, minOutput, properties.ledger().reservationTtl(), tags);
            return ledger.submit(key.teamId(), line);
        }

        /**
         * The body one attempt's upstream gets: the deployment's model name, and fewer output tokens when the budget
         * was short or the model's cap is lower than what was asked.
         */
        private ObjectNode upstreamBody(CatalogModel target) {
            ObjectNode body = chat.body();
            body.put("model", target.upstreamModel());
            long perChoice = grantedPerChoice(target);
            String field = chat.maxTokensField() == null ? "max_tokens" : chat.maxTokensField();
            if (reservation.clamped() || (chat.requestedMaxTokens() != null && chat.requestedMaxTokens() > perChoice)) {
                body.put(field, perChoice);
            } else if (chat.requestedMaxTokens() != null) {
                body.put(field, chat.requestedMaxTokens()); // as the client sent it (an earlier attempt may have lowered it)
            } else {
                body.remove(field);
            }
            return body;
        }

        private ServerResponse.BodyBuilder headers(ServerResponse.BodyBuilder response) {
            admission.headers().forEach(response::header);
            response.header(TollgateHeaders.RESERVED, reservation.amount().toDecimalString());
            warnings.headerFor(key.teamId(), reservation.userId(), key.keyId())
                    .ifPresent(warning -> response.header(TollgateHeaders.BUDGET_WARNING, warning));
            if (reservation.clamped()) {
                response.header(TollgateHeaders.MAX_TOKENS, Long.toString(reservation.grantedMaxTokens() / chat.n()));
            }
            routingHeaders().forEach(response::header);
            return response;
        }

        private Map<String, String> routingHeaders() {
            CatalogModel answering = attempts == null ? null : attempts.answering();
            if (answering == null) {
                return Map.of();
            }
            return Map.of(TollgateHeaders.DEPLOYMENT, answering.deploymentName(),
                    TollgateHeaders.ATTEMPTS, Integer.toString(attempts.count()),
                    TollgateHeaders.ANSWERED_BY, answering.name());
        }

        // ------------------------------------------------------------------ a whole answer

        /**
         * Once sent upstream, a request runs to its settlement even if the client hangs up: the provider charges
         * for it either way, so the ledger records what it really cost.
         */
        private Mono<ServerResponse> complete() {
            long sent = System.nanoTime();
            CompletableFuture<ServerResponse> answer = attempts.run(target -> providers.of(target)
                            .complete(target, upstreamBody(target)).flux())
                    .next()
                    .doOnNext(bytes -> {
                        upstreamDuration.record(System.nanoTime() - sent, TimeUnit.NANOSECONDS);
                        observation.upstreamAnswered();
                    })
                    .onErrorResume(UpstreamFailure.class, failure -> releaseThenFail(failure))
                    .onErrorResume(Attempts.NoDeploymentAvailable.class, this::releaseThenFail)
                    .flatMap(this::answered)
                    .toFuture();
            return Mono.fromFuture(answer, true);
        }

        private Mono<ServerResponse> answered(byte[] bytes) {
            ObjectNode answer = parseAnswer(bytes);
            CatalogModel answering = attempts.answering();
            PriceInForce price = priceOf(answering);
            if (answer == null) {
                return releaseThenFail(new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, 502, bytes, null,
                        "Deployment '" + answering.deploymentName() + "' answered something that is not a chat "
                                + "completion", null));
            }
            observation.answer(answer);
            Usage usage = UsageReader.read(answer.get("usage"));
            if (usage == null) {
                usage = new Usage(promptTokens, countedCompletion(answer), 0, 0);
            }
            Money cost = price.cost(usage, images);
            ObjectNode usageBlock = answer.get("usage") instanceof ObjectNode existing ? existing
                    : answer.putObject("usage").put("prompt_tokens", usage.promptTokens())
                    .put("completion_tokens", usage.completionTokens())
                    .put("total_tokens", usage.totalTokens());
            usageBlock.put("cost", cost.toBigDecimal().stripTrailingZeros());
            settle(usage, cost);
            return headers(ServerResponse.ok())
                    .header(TollgateHeaders.COST, cost.toDecimalString())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(serialize(answer));
        }

        private ObjectNode parseAnswer(byte[] bytes) {
            try {
                JsonNode answer = json.readTree(bytes);
                return answer instanceof ObjectNode object && object.has("choices") ? object : null;
            } catch (Exception e) {
                return null;
            }
        }

        private long countedCompletion(JsonNode answer) {
            long count = 0;
            for (JsonNode choice : answer.path("choices")) {
                count += tokens.text(choice.path("message").path("content").asText(""));
                JsonNode calls = choice.path("message").path("tool_calls");
                if (!calls.isMissingNode()) {
                    count += tokens.text(calls.toString());
                }
            }
            return count;
        }

        // ------------------------------------------------------------------ a streamed answer

        private Mono<ServerResponse> stream() {
            ObjectNode streamOptions = chat.body().path("stream_options") instanceof ObjectNode options ? options
                    : chat.body().putObject("stream_options");
            streamOptions.put("include_usage", true); // always know the real usage; stripped if not asked for
            StreamRelay relay = new StreamRelay(json, tokens, usage -> cost(usage),
                    chat.clientWantsUsage(), promptTokens);
            relay.observe(observation::chunk);
            AtomicBoolean first = new AtomicBoolean(true);
            Flux<byte[]> events = attempts.run(target -> providers.of(target).stream(target, upstreamBody(target)))
                    .doOnNext(chunk -> {
                        if (first.compareAndSet(true, false)) {
                            // the response is not committed before its first chunk is written
                            routingHeaders().forEach(responseHeaders::set);
                        }
                    })
                    .concatMapIterable(relay::onChunk)
                    .concatWith(Flux.defer(() -> finish(relay)))
                    .onErrorResume(failure -> {
                        if (!relay.emittedAny()) {
                            return failure instanceof UpstreamFailure upstream ? releaseThenFail(upstream)
                                    : failure instanceof Attempts.NoDeploymentAvailable none ? releaseThenFail(none)
                                    : release("gateway_error").then(Mono.error(failure));
                        }
                        // Cut after the first chunk: no retry; the usage delivered so far is charged.
                        log.warn("Stream {} was cut by the upstream after its first chunk: {}", requestId,
                                failure.getMessage());
                        settle(relay.usage(), cost(relay.usage()));
                        return Flux.empty();
                    })
                    .doOnCancel(() -> settle(relay.usage(), cost(relay.usage())));
            Flux<DataBuffer> body = events.map(DefaultDataBufferFactory.sharedInstance::wrap);
            return headers(ServerResponse.ok())
                    .contentType(MediaType.TEXT_EVENT_STREAM)
                    .header("Cache-Control", "no-cache")
                    .body(BodyInserters.fromDataBuffers(body));
        }

        /** After the upstream's last event: settle, then the usage event if the gateway owes one, then [DONE]. */
        private Flux<byte[]> finish(StreamRelay relay) {
            Usage usage = relay.usage();
            Money cost = cost(usage);
            settle(usage, cost);
            return relay.clientWantsUsage() && !relay.upstreamReportedUsage()
                    ? Flux.just(relay.synthesizedUsageEvent(cost), SseEvents.DONE)
                    : Flux.just(SseEvents.DONE);
        }

        // ------------------------------------------------------------------ closing the reservation

        /**
         * Records the real cost. The answer does not wait for this commit: the reservation already holds at least
         * the cost in the budget, and if this node dies before the settlement is stored, the reservation expires
         * and is charged at its estimate. Never undercounted, and one database commit less on every answer.
         */
        /** The cost of a usage at the price of the model that answered. */
        private Money cost(Usage usage) {
            return priceOf(attempts == null ? null : attempts.answering()).cost(usage, images);
        }

        private void settle(Usage usage, Money cost) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
            observation.settled(usage, cost);
            rateLimiter.settle(admission, usage.totalTokens());
            // (no attempt yet only when a stream's client left before any deployment was chosen: nothing was used)
            CatalogModel answering = attempts == null || attempts.answering() == null ? model : attempts.answering();
            int attemptCount = attempts == null ? 0 : attempts.count();
            if (attempts != null) {
                attempts.finish(usage.totalTokens());
            }
            SettleSpend line = new SettleSpend(requestId, answering.name(), usage.withImages(images), cost,
                    priceOf(answering).version(), answering.provider(), answering.deploymentName(), latency,
                    attemptCount);
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
            if (attempts != null) {
                attempts.finish(0);
            }
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
            ApiError error = UpstreamErrors.toApiError(failure, json);
            if (attempts != null && attempts.count() > 0) {
                error.withHeader(TollgateHeaders.ATTEMPTS, Integer.toString(attempts.count()));
            }
            return release(reason).then(Mono.error(error));
        }

        /** No deployment of any model that may answer could take the request: 429 with when to come back. */
        private <T> Mono<T> releaseThenFail(Attempts.NoDeploymentAvailable none) {
            long seconds = none.availableAtMillis() == 0 ? 1
                    : Math.max(1, (long) Math.ceil((none.availableAtMillis() - System.currentTimeMillis()) / 1000.0));
            ApiError error = new ApiError(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error", "no_deployment_available",
                    null, none.getMessage() + " Nothing was charged; try again in " + seconds + "s.")
                    .withHeader("Retry-After", Long.toString(seconds));
            return release("no_deployment_available").then(Mono.error(error));
        }

        private byte[] serialize(JsonNode node) {
            try {
                return json.writeValueAsBytes(node);
            } catch (Exception e) {
                throw ApiError.internal("Could not write the answer of request " + requestId);
            }
        }
    }

}
