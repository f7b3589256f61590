package dev.tollgate.edge.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.Limits;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.alert.BudgetWarnings;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.catalog.ModelKinds;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.errors.JsonInputErrors;
import dev.tollgate.edge.input.InputText;
import dev.tollgate.edge.ledger.SpendLedger;
import dev.tollgate.edge.pricing.PriceBookCache;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.provider.Providers;
import dev.tollgate.edge.provider.ReportedPrompt;
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
import dev.tollgate.edge.wire.SseSplitter;
import dev.tollgate.edge.wire.TokenCounter;
import dev.tollgate.edge.wire.TollgateHeaders;
import dev.tollgate.edge.wire.UpstreamErrors;
import dev.tollgate.edge.wire.UpstreamFailure;
import dev.tollgate.edge.wire.UsageSplice;
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
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lifecycle of every governed OpenAI request, written once (docs/ledger.md, "Request lifecycle"): authenticate
 * the key; parse the body; check the model (exists, allowed to the key, serves the route, priced); plan the models
 * that may answer (the requested one or its context-window fallbacks, then its fallbacks); apply the key's rate
 * limits; reserve the worst case over those models on the budgets (a refusal is a 429 {@code insufficient_quota} and
 * a recorded rejection; with {@code clamp} the output tokens may be lowered); route with retries, fallbacks,
 * cooldowns and deployment rpm/tpm ({@link Attempts}); forward (streams chunk by chunk, {@link StreamRelay}); settle
 * the real cost, or release the reservation when no upstream answered. Answers carry {@code x-request-id},
 * {@code x-tollgate-reserved}, {@code x-tollgate-cost} (whole answers), {@code usage.cost} where the answer has a
 * usage block, and which model answered after how many attempts.
 * <p>
 * What a route does differently lives in its {@link OpenAiEndpoint} and {@link Plan}.
 */
@Component
public class GovernedCall {

    private static final Logger log = LoggerFactory.getLogger(GovernedCall.class);
    /** The longest a client's text (a model name) is echoed in an error. */
    static final int ECHO = 200;
    private final BudgetWarnings warnings;

    private final ObjectMapper json;
    private final ApiKeyAuthenticator authenticator;
    private final ModelCatalog catalog;
    private final Providers providers;
    private final TokenCounter tokens;
    private final SpendLedger ledger;
    private final TollgateProperties properties;
    private final PriceBookCache prices;
    private final KeyRateLimiter rateLimiter;
    private final Router router;
    private final GatewayTelemetry telemetry;
    private final Timer upstreamDuration;

    public GovernedCall(ObjectMapper json, ApiKeyAuthenticator authenticator, ModelCatalog catalog,
                        Providers providers, TokenCounter tokens, SpendLedger ledger, TollgateProperties properties,
                        MeterRegistry meters, PriceBookCache prices, KeyRateLimiter rateLimiter, Router router,
                        GatewayTelemetry telemetry,
                        BudgetWarnings warnings) {
        this.warnings = warnings;
        this.json = json;
        this.authenticator = authenticator;
        this.catalog = catalog;
        this.providers = providers;
        this.tokens = tokens;
        this.ledger = ledger;
        this.properties = properties;
        this.prices = prices;
        this.rateLimiter = rateLimiter;
        this.router = router;
        this.telemetry = telemetry;
        this.upstreamDuration = Timer.builder("tollgate.upstream.duration")
                .description("From sending a request upstream to its whole answer (non-streaming)")
                .publishPercentiles(0.5, 0.9, 0.99).register(meters);
    }

    Mono<ServerResponse> handle(ServerRequest request, OpenAiEndpoint endpoint) {
        String requestId = RequestIds.next();
        long startedNanos = System.nanoTime();
        HttpHeaders responseHeaders = request.exchange().getResponse().getHeaders();
        responseHeaders.set(TollgateHeaders.REQUEST_ID, requestId);
        RequestObservation observation = telemetry.start(requestId, request, endpoint.operation());
        return authenticator.authenticate(BearerToken.from(request.headers().asHttpHeaders()))
                .zipWith(body(request))
                .flatMap(keyAndBody -> new Call(endpoint, requestId, startedNanos, keyAndBody.getT1(),
                        parse(keyAndBody.getT2()), request.headers().firstHeader(TollgateHeaders.TAGS),
                        responseHeaders, observation).run())
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
            throw JsonInputErrors.of(e);
        } catch (IOException e) {
            throw ApiError.invalidRequest("We could not read the body of your request.", null);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiError.invalidRequest("The request body must be a JSON object.", null);
        }
        return (ObjectNode) tree;
    }

    /**
     * An answer's bytes, written as they are: no message writer looked up for them, no content type parsed again
     * (what {@code bodyValue} does on every answer).
     */
    static BodyInserter<byte[], ReactiveHttpOutputMessage> bytesBody(byte[] bytes) {
        return (message, context) -> {
            message.getHeaders().setContentLength(bytes.length);
            return message.writeWith(Mono.just(message.bufferFactory().wrap(bytes)));
        };
    }

    /** The events relayed from one upstream chunk as one array ({@code null}: none). */
    static byte[] joined(List<byte[]> events) {
        if (events.isEmpty()) {
            return null;
        }
        if (events.size() == 1) {
            return events.get(0);
        }
        int length = 0;
        for (byte[] event : events) {
            length += event.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] event : events) {
            System.arraycopy(event, 0, all, at, event.length);
            at += event.length;
        }
        return all;
    }

    /** A client's text as an error message may echo it: at most {@value #ECHO} characters. */
    static String bounded(String text) {
        if (text == null || text.length() <= ECHO) {
            return text;
        }
        return text.substring(0, ECHO - 1) + "…";
    }

    /** A request's cost and the price book version it was priced with, as its settlement records them. */
    private record Priced(Money cost, String version) {
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
        private final HttpHeaders responseHeaders;
        private final RequestObservation observation;
        private final Instant startedAt;
        /** The models that may answer (docs/routing.md), and their prices when the request started. */
        private final List<CatalogModel> chain;
        private final Map<String, PriceInForce> chainPrices = new LinkedHashMap<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean forwarded = new AtomicBoolean();
        /** What a streaming upstream reported of the prompt at its start (Anthropic's message_start). */
        private final ReportedPrompt reportedPrompt = new ReportedPrompt();
        private KeyRateLimiter.Admission admission;
        private SpendOutcome.Reserved reservation;
        private Attempts attempts;

        Call(OpenAiEndpoint endpoint, String requestId, long startedNanos, KeyRecord key, ObjectNode body,
             String tagHeader, HttpHeaders responseHeaders, RequestObservation observation) {
            this.endpoint = endpoint;
            this.requestId = requestId;
            this.startedNanos = startedNanos;
            this.key = key;
            this.body = body;
            this.responseHeaders = responseHeaders;
            this.observation = observation;
            JsonNode name = body.get("model");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw ApiError.invalidRequest("You must provide a model parameter (a string).", "model");
            }
            endpoint.check(body);
            UnpricedCosts.refuseRouterFields(body);
            JsonNode userField = body.get("user");
            if (userField != null && !userField.isNull() && !userField.isTextual()) {
                throw ApiError.invalidRequest("'user' must be a string.", "user");
            }
            if (userField != null && userField.isTextual() && InputText.hasControl(userField.asText())) {
                throw ApiError.invalidRequest("'user' must not contain NUL or other control characters.", "user");
            }
            if (userField != null && userField.isTextual() && userField.asText().length() > Limits.REQUEST_USER) {
                throw ApiError.invalidRequest("'user' has at most " + Limits.REQUEST_USER + " characters.", "user");
            }
            this.user = userField == null || userField.isNull() || userField.asText().isBlank() ? null
                    : userField.asText();
            if (user != null && key.isTeamKey() && !Limits.isId(user, Limits.REQUEST_USER)) {
                // registered as the member <team>:<user>, which every admin route must be able to name (and erase)
                throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_value", "user",
                        "With a team key, 'user' names the member the request is charged to: it is "
                                + Limits.idRule(Limits.REQUEST_USER) + ".");
            }
            this.model = catalog.find(name.asText())
                    .orElseThrow(() -> ApiError.modelNotFound(bounded(name.asText())));
            if (!key.allows(model.name())) {
                throw ApiError.forbidden("model_not_allowed", "This API key may not use the model '" + model.name()
                        + "'. GET /v1/models lists the models it may use.");
            }
            ModelKinds.require(catalog, model, endpoint.kind(), endpoint.route());
            Instant now = Instant.now();
            this.price = prices.priceAt(model.name(), now).orElseThrow(() -> new ApiError(
                    HttpStatus.SERVICE_UNAVAILABLE, "api_error", "model_not_priced", "model", "The model '"
                    + model.name() + "' has no price in force, so Tollgate refuses it rather than charge nothing. "
                    + "An admin publishes its price with PUT /admin/prices.")
                    .withHeader("X-Should-Retry", "false")); // retrying cannot help until an admin acts
            if (UnpricedCosts.searchFeeUnpriced(model, price)) {
                throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "api_error", "model_not_priced", "model",
                        "The model '" + model.name() + "' searches the web on every call, billed beside its tokens, "
                        + "and its price has no per-request amount to charge that with, so Tollgate refuses it. An "
                        + "admin publishes one with PUT /admin/prices (per_request).")
                        .withHeader("X-Should-Retry", "false");
            }
            this.plan = endpoint.plan(body, model, price);
            // a whole answer without usage is charged as a stream cut before its usage: its prompt as reserved
            plan.chargeUnreported(counted -> unreported(knownPrompt(counted)));
            plan.identify(observation, key, endpoint.route());
            this.tags = RequestTags.of(key.defaultTags(), body.get("metadata"), tagHeader);
            this.startedAt = now;
            if (!plan.promptExact && (properties.edge().promptBoundShare() == 0 || !boundFitsEveryWindow())) {
                plan.exactPrompt();
            }
            if (plan.unseenInput != null && model.contextWindow() == null) {
                throw UnseenInputs.needsWindow(plan.unseenInput, model);
            }
            this.chain = chain(now);
            if (!plan.promptExact && (key.tokensPerMinute() != null || chainHasTokenLimits())) {
                plan.exactPrompt(); // token rate limits count the prompt: never refuse on the bound
            }
        }

        /**
         * Whether the prompt's upper bound fits the context window of the model and of its fallbacks: else the
         * prompt is counted exactly, so that the bound never sends a request to its context-window fallbacks or
         * refuses it as too long. Images are left out here and in the rate limits' estimates: their count is a worst
         * case (max-image-tokens, up to ~48,000 each), which only the reservation takes; counting it here would
         * refuse prompts the model reads.
         */
        private boolean boundFitsEveryWindow() {
            if (!plan.fits(model)) {
                return false;
            }
            for (String name : model.routing().fallbacks()) {
                CatalogModel fallback = catalog.find(name).orElse(null);
                if (fallback != null && !plan.fits(fallback)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether a deployment of a model that may answer has a tpm limit (its usage counts the prompt). */
        private boolean chainHasTokenLimits() {
            for (CatalogModel candidate : chain) {
                for (CatalogModel deployment : candidate.deployments()) {
                    if (deployment.deployment().tpm() != null) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * The models that may answer: the requested model and its fallbacks, or, when the prompt is too long for it,
         * its context-window fallbacks and then its fallbacks; only models of the route's kind that the key may use,
         * with a price in force, a context window the prompt fits and whatever else the route needs.
         */
        private List<CatalogModel> chain(Instant now) {
            List<String> names = new ArrayList<>();
            if (plan.fits(model)) {
                names.add(model.name());
            } else {
                names.addAll(model.routing().contextWindowFallbacks());
            }
            names.addAll(model.routing().fallbacks());
            List<CatalogModel> models = new ArrayList<>();
            for (String name : names) {
                boolean requested = name.equals(model.name());
                CatalogModel candidate = requested ? model : catalog.find(name).orElse(null);
                if (candidate == null || chainPrices.containsKey(name) || !plan.fits(candidate)
                        || !key.allows(name) || (!requested && catalog.kind(candidate) != endpoint.kind())
                        || (plan.unseenInput != null && candidate.contextWindow() == null)) {
                    continue; // (a model without a window cannot bound unseen input: not a fallback for it)
                }
                PriceInForce candidatePrice = requested ? price : prices.priceAt(name, now).orElse(null);
                if (candidatePrice != null && (requested || plan.accepts(candidate, candidatePrice)
                        && !UnpricedCosts.searchFeeUnpriced(candidate, candidatePrice))) {
                    models.add(candidate);
                    chainPrices.put(name, candidatePrice);
                }
            }
            if (models.isEmpty()) {
                throw plan.tooLong(model);
            }
            return List.copyOf(models);
        }

        /** The output tokens the worst case is computed for: the largest of the models that may answer. */
        private long maxOutputTokens() {
            long perChoice = 0;
            for (CatalogModel candidate : chain) {
                perChoice = Math.max(perChoice, plan.perChoice(candidate, chainPrices.get(candidate.name())));
            }
            return perChoice * plan.choices;
        }

        /** The output tokens per choice forwarded to a model: what the budget granted, within its cap. */
        private long grantedPerChoice(CatalogModel candidate) {
            long natural = plan.perChoice(candidate, priceOf(candidate));
            return Math.min(natural, reservation.grantedMaxTokens() / plan.choices);
        }

        private PriceInForce priceOf(CatalogModel answering) {
            return answering == null ? price : chainPrices.getOrDefault(answering.name(), price);
        }

        /**
         * The prompt tokens reserved for a model: the text as counted plus its providers' margin (docs/providers.md),
         * and each image at the model's max-image-tokens, which is already the model's own count (no margin on it).
         * A prompt with input Tollgate cannot see is reserved at the model's context window, the most text input it
         * bills for one call, and its images beside it as always ({@link UnseenInputs}; every model that may answer
         * has a window).
         */
        private long reservedPrompt(CatalogModel candidate) {
            if (plan.unseenInput != null) {
                return candidate.promptTokens(candidate.contextWindow(), plan.images);
            }
            long most = plan.promptTokens;
            for (CatalogModel deployment : candidate.deployments()) {
                most = Math.max(most, properties.edge().promptMargin(deployment.provider()).apply(plan.promptTokens));
            }
            return candidate.promptTokens(most, plan.images);
        }

        /**
         * The key's rate limits first (they may live in Redis: asynchronous), then the budget. The estimate counts
         * what the reservation counts, images and unseen input aside: the prompt, the output tokens, and the output
         * billed beyond their limit (a prediction, already counted exactly when there is a token limit).
         */
        Mono<ServerResponse> run() {
            long maxOutput = maxOutputTokens();
            long estimate = plan.promptTokens + maxOutput + plan.outputBeyondLimit();
            return Mono.fromCompletionStage(() -> rateLimiter.admit(key, estimate, startedAt))
                    .switchIfEmpty(Mono.error(() -> ApiError.internal("The rate limits did not decide request "
                            + requestId + ".")))
                    .flatMap(admitted -> {
                        this.admission = admitted;
                        return reserveAndForward(maxOutput);
                    });
        }

        private Mono<ServerResponse> reserveAndForward(long maxOutput) {
            CompletableFuture<SpendOutcome> decision = reserve(maxOutput);
            // What follows the decision runs on the ledger's dispatch thread: it only prepares the (non-blocking)
            // upstream call, which measured cheaper than a hop to another thread (docs/performance.md).
            // A client that hangs up while its reservation is being decided must not leave it open until it expires.
            return Mono.fromFuture(decision, true)
                    // (a reservation the ledger may have made and not reported expires: charged at its estimate)
                    .switchIfEmpty(Mono.error(() -> ApiError.internal("The ledger did not decide request "
                            + requestId + ".")))
                    .doOnCancel(() -> decision.thenAccept(this::releaseIfNeverForwarded))
                    .flatMap(outcome -> {
                        if (outcome instanceof SpendOutcome.Recount) {
                            // the budget is close: decide on the exact count (nothing was recorded)
                            plan.exactPrompt();
                            return reserveAndForward(maxOutput);
                        }
                        if (outcome instanceof SpendOutcome.Rejected rejected) {
                            return Mono.error(BudgetMessages.rejection(rejected));
                        }
                        if (!(outcome instanceof SpendOutcome.Reserved reserved)) {
                            return Mono.error(ApiError.internal("The ledger did not reserve request " + requestId
                                    + "."));
                        }
                        this.reservation = reserved;
                        // Whatever goes wrong from here on, a reservation that was not settled is released.
                        return Mono.defer(() -> {
                            forwarded.set(true);
                            observation.forwarded(reserved);
                            attempts = new Attempts(router, chain, candidate -> plan.promptTokens
                                    + grantedPerChoice(candidate) * plan.choices + plan.outputBeyondLimit());
                            return plan.stream ? stream() : complete();
                        }).onErrorResume(failure -> release("gateway_error").then(Mono.error(failure)));
                    });
        }

        private void releaseIfNeverForwarded(SpendOutcome outcome) {
            if (outcome instanceof SpendOutcome.Reserved && !forwarded.get()) {
                release("client_disconnected").subscribe();
            }
        }

        /**
         * Reserves the worst case over every model that may answer: a fallback is charged at its own price, and the
         * reservation covers it (docs/routing.md); the prompt with its provider's margin.
         */
        private CompletableFuture<SpendOutcome> reserve(long maxOutput) {
            long minOutput = plan.clampable
                    ? Math.min(properties.ledger().minOutputTokens() * plan.choices, maxOutput) : maxOutput;
            Money fixedCost = null;
            TokenPrice outputPrice = null;
            for (CatalogModel candidate : chain) {
                PriceInForce candidatePrice = chainPrices.get(candidate.name());
                Money fixed = plan.fixedCost(candidatePrice, reservedPrompt(candidate));
                if (fixedCost == null || fixed.compareTo(fixedCost) > 0) {
                    fixedCost = fixed;
                }
                if (outputPrice == null || candidatePrice.worstOutputPrice().perMillion()
                        .compareTo(outputPrice.perMillion()) > 0) {
                    outputPrice = candidatePrice.worstOutputPrice();
                }
            }
            return ledger.submit(key.teamId(), new ReserveSpend(requestId, key.userId(), key.isTeamKey() ? user : null,
                    key.keyId(), model.name(), fixedCost, outputPrice, maxOutput, minOutput,
                    properties.ledger().reservationTtl(), tags,
                    plan.promptExact ? 0 : properties.edge().promptBoundShare()));
        }

        /** The body one attempt's upstream gets: the deployment's model name, the output tokens granted. */
        private ObjectNode upstreamBody(CatalogModel target) {
            plan.forward(target, grantedPerChoice(target), reservation.clamped());
            return body;
        }

        /**
         * The answer's headers, written into the response itself rather than into a {@code ServerResponse} builder,
         * which would keep a map of its own and copy it into the response when written.
         */
        private ServerResponse.BodyBuilder okWithHeaders(String contentType) {
            admission.headers().forEach(responseHeaders::set);
            responseHeaders.set(TollgateHeaders.RESERVED, reservation.amount().toDecimalString());
            warnings.headerFor(key.teamId(), reservation.userId(), key.keyId())
                    .ifPresent(warning -> responseHeaders.set(TollgateHeaders.BUDGET_WARNING, warning));
            if (reservation.clamped() && plan.maxTokensField != null) {
                responseHeaders.set(TollgateHeaders.MAX_TOKENS,
                        Long.toString(reservation.grantedMaxTokens() / plan.choices));
            }
            routingHeaders().forEach(responseHeaders::set);
            responseHeaders.set(HttpHeaders.CONTENT_TYPE, contentType);
            return ServerResponse.ok();
        }

        /** A whole answer: its headers, its cost, its bytes. */
        private Mono<ServerResponse> whole(Money cost, byte[] out) {
            ServerResponse.BodyBuilder ok = okWithHeaders(MediaType.APPLICATION_JSON_VALUE);
            responseHeaders.set(TollgateHeaders.COST, cost.toDecimalString());
            return ok.body(bytesBody(out));
        }

        private Map<String, String> routingHeaders() {
            CatalogModel answering = attempts == null ? null : attempts.answering();
            if (answering == null) {
                return Map.of();
            }
            if (!properties.edge().exposeUpstreamDetails()) {
                return Map.of(TollgateHeaders.ATTEMPTS, Integer.toString(attempts.count()),
                        TollgateHeaders.ANSWERED_BY, answering.name());
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
            CompletableFuture<ServerResponse> answer = attempts.run(target -> endpoint
                            .send(providers.of(target), target, upstreamBody(target)).flux())
                    .next()
                    // an attempt that completed without an answer: nothing came back, nothing to charge; without
                    // this the request would end in no outcome at all (an empty 200, the reservation left open)
                    .switchIfEmpty(Mono.error(() -> new UpstreamFailure(UpstreamFailure.Kind.HTTP_STATUS, 502,
                            null, null, "Request " + requestId + ": its upstream answered nothing", null)))
                    .doOnNext(bytes -> {
                        upstreamDuration.record(System.nanoTime() - sent, TimeUnit.NANOSECONDS);
                        observation.upstreamAnswered();
                    })
                    .onErrorResume(UpstreamFailure.class, this::releaseThenFail)
                    .onErrorResume(Attempts.NoDeploymentAvailable.class, this::releaseThenFail)
                    .flatMap(this::answered)
                    .toFuture();
            return Mono.fromFuture(answer, true);
        }

        private Mono<ServerResponse> answered(byte[] bytes) {
            UsageSplice.Shape shape = plan.shape();
            UsageSplice.Found found = shape == null ? null : UsageSplice.find(json.getFactory(), bytes, shape);
            if (found == null) {
                return answeredByTree(bytes);
            }
            // the plain case: the usage read by a streaming parser, the cost spliced into the upstream's bytes
            if (telemetry.tracing()) {
                observeAnswer(bytes);
            }
            Usage usage = plan.reported(found.usage());
            Priced priced = priced(usage);
            Money cost = priced.cost();
            settle(usage, priced);
            byte[] out;
            try {
                out = UsageSplice.withCost(bytes, found, costJson(cost));
            } catch (JsonProcessingException e) {
                return Mono.error(ApiError.internal("Could not write the answer of request " + requestId));
            }
            return whole(cost, out);
        }

        private void observeAnswer(byte[] bytes) {
            try {
                observation.answer(json.readTree(bytes));
            } catch (IOException e) {
                log.debug("Request {}: the answer could not be read for its span", requestId, e);
            }
        }

        /** Any answer {@link UsageSplice} does not handle: read as a tree, the cost put into it, written again. */
        private Mono<ServerResponse> answeredByTree(byte[] bytes) {
            CatalogModel answering = attempts.answering();
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
                        "Deployment '" + answering.deploymentName() + "' answered something that is not an answer "
                                + "of " + endpoint.route(), null));
            }
            observation.answer(answer);
            Priced priced = priced(usage);
            Money cost = priced.cost();
            plan.putCost(answer, cost);
            settle(usage, priced);
            byte[] out;
            try {
                out = json.writeValueAsBytes(answer);
            } catch (JsonProcessingException e) {
                return Mono.error(ApiError.internal("Could not write the answer of request " + requestId));
            }
            return whole(cost, out);
        }

        /** The cost as the tree path writes it into a usage block (the same number, the same spelling). */
        private String costJson(Money cost) throws JsonProcessingException {
            return json.writeValueAsString(cost.toBigDecimal().stripTrailingZeros());
        }

        // ------------------------------------------------------------------ a streamed answer

        private Mono<ServerResponse> stream() {
            StreamRelay relay = new StreamRelay(json, plan.dialect(), this::cost);
            // without tracing, telemetry needs only the first event (time to first token): the others may skip
            // their tree
            relay.observe(observation::chunk, telemetry.tracing());
            if (plan.maxTokensField != null) {
                // an upstream that ignores max_tokens is stopped at what the budget granted (docs/ledger.md)
                relay.limit(reservation.grantedMaxTokens(), tokens);
            }
            AtomicBoolean first = new AtomicBoolean(true);
            AtomicBoolean pastDeadline = new AtomicBoolean();
            Flux<byte[]> events = attempts.run(target -> {
                        reportedPrompt.forget(); // an earlier attempt's upstream reported its own prompt, not this one's
                        return endpoint.sendStream(providers.of(target), target, upstreamBody(target));
                    })
                    .contextWrite(Context.of(ReportedPrompt.class, reportedPrompt))
                    // ended before its reservation expires (which would refuse its real usage): cancels the upstream
                    .takeUntilOther(Mono.delay(properties.ledger().streamDeadline()
                                    .minusNanos(System.nanoTime() - startedNanos)) // (reserved after the start)
                            .doOnNext(tick -> pastDeadline.set(true)))
                    .doOnNext(chunk -> {
                        if (first.compareAndSet(true, false)) {
                            // the response is not committed before its first chunk is written
                            routingHeaders().forEach(responseHeaders::set);
                        }
                    })
                    .map(relay::onChunk)
                    .takeUntil(relayed -> relay.stopped()) // cancels the upstream: it is not read any further
                    // the events of one upstream chunk arrived together: they leave together, as one buffer
                    .mapNotNull(GovernedCall::joined)
                    .concatWith(Flux.defer(() -> finish(relay, pastDeadline.get())))
                    .onErrorResume(thrown -> {
                        // an event that never ended: the upstream went on generating what could not be read
                        Throwable failure = thrown instanceof SseSplitter.EventTooLarge ? new UpstreamFailure(
                                UpstreamFailure.Kind.TOO_LARGE, 0, null, null, "Deployment '"
                                + attempts.answering().deploymentName() + "' sent " + thrown.getMessage(), thrown, true)
                                : thrown;
                        if (!relay.emittedAny()) {
                            return failure instanceof UpstreamFailure upstream ? releaseThenFail(upstream)
                                    : failure instanceof Attempts.NoDeploymentAvailable none ? releaseThenFail(none)
                                    : release("gateway_error").then(Mono.error(failure));
                        }
                        if (failure instanceof UpstreamFailure upstream
                                && upstream.kind() == UpstreamFailure.Kind.TOO_LARGE) {
                            log.warn("Stream {} was cut after its first event: {}; charged its reservation",
                                    requestId, failure.getMessage());
                            chargeReservation();
                            return Flux.empty();
                        }
                        // Cut after the first event: no retry; the usage delivered so far is charged.
                        log.warn("Stream {} was cut by the upstream after its first event: {}", requestId,
                                failure.getMessage());
                        Usage usage = streamUsage(relay);
                        settle(usage, priced(usage));
                        return Flux.empty();
                    })
                    .doOnCancel(() -> {
                        if (!attempts.underway()) {
                            // left before any attempt was sent, or while waiting for the next one after failures
                            // the upstreams bill nothing for (a 429, a 5xx): nothing was delivered nor billed
                            release("client_disconnected").subscribe();
                            return;
                        }
                        Usage usage = streamUsage(relay);
                        settle(usage, priced(usage));
                    });
            Flux<DataBuffer> out = events.map(DefaultDataBufferFactory.sharedInstance::wrap);
            ServerResponse.BodyBuilder ok = okWithHeaders(MediaType.TEXT_EVENT_STREAM_VALUE);
            responseHeaders.set(HttpHeaders.CACHE_CONTROL, "no-cache");
            return ok.body(BodyInserters.fromDataBuffers(out));
        }

        /** After the upstream's last event (or the budget's): settle, then what the route sends last. */
        private Flux<byte[]> finish(StreamRelay relay, boolean pastDeadline) {
            // the last event, when the upstream did not end it with a blank line: read before settling (its usage)
            List<byte[]> last = relay.onEnd();
            if (relay.stopped()) {
                log.warn("Stream {} was stopped at the {} output tokens its budget granted: the upstream went on",
                        requestId, reservation.grantedMaxTokens());
            } else if (pastDeadline) {
                log.warn("Stream {} was ended {} after its start, before its reservation expires: settled on what "
                        + "it delivered", requestId, properties.ledger().streamDeadline());
            }
            Usage usage = streamUsage(relay);
            Priced priced = priced(usage);
            settle(usage, priced);
            List<byte[]> closing = relay.closing(usage, priced.cost());
            return last.isEmpty() ? Flux.fromIterable(closing)
                    : Flux.concat(Flux.fromIterable(last), Flux.fromIterable(closing));
        }

        /**
         * What a stream is settled at: the upstream's usage, or what was relayed, counted, its prompt as known
         * ({@link #knownPrompt}, {@link #unreported}).
         */
        private Usage streamUsage(StreamRelay relay) {
            return relay.upstreamReportedUsage() ? relay.usage() : unreported(knownPrompt(relay.usage()));
        }

        /**
         * The prompt of a stream that ends without the upstream's usage (cut, left by its client, stopped): the
         * larger of what the upstream reported of it at its start (Anthropic's {@code message_start}, its cache
         * reads as cached tokens) and the prompt as counted with the answering provider's margin, as reserved.
         */
        private Usage knownPrompt(Usage counted) {
            CatalogModel answering = attempts == null ? null : attempts.answering();
            if (answering == null || plan.unseenInput != null) {
                return counted; // nothing went upstream; or unseen input, charged at its reservation (unreported)
            }
            long prompt = Math.max(counted.promptTokens(), answering.promptTokens(
                    properties.edge().promptMargin(answering.provider()).apply(plan.promptTokens), plan.images));
            long cached = counted.cachedPromptTokens();
            if (reportedPrompt.known() && reportedPrompt.tokens() >= prompt) {
                prompt = reportedPrompt.tokens();
                cached = reportedPrompt.cached();
            }
            return new Usage(prompt, counted.completionTokens(), cached, counted.reasoningTokens(), counted.images(),
                    counted.imageVariant());
        }

        /**
         * What a request is charged when its upstream reported no usage, of a stream (cut, left by the client,
         * stopped at the grant) or of a whole answer: the usage counted here, but never less than the most the
         * upstream can have billed for what Tollgate cannot count. Input it cannot see ({@link UnseenInputs}) is
         * charged at what was reserved for it, the context window. A model that reasons without showing its
         * reasoning (its {@code hidden-reasoning}) has spent an unknown part of the output granted on it: it is
         * charged the whole grant; the rest of the grant beyond what was counted is reported as reasoning tokens.
         */
        private Usage unreported(Usage counted) {
            CatalogModel answering = attempts == null ? null : attempts.answering();
            if (answering == null) {
                return counted; // no deployment chosen: nothing went upstream
            }
            long prompt = plan.unseenInput == null ? counted.promptTokens()
                    : Math.max(counted.promptTokens(), reservedPrompt(answering));
            long hidden = answering.hiddenReasoning()
                    ? Math.max(0, reservation.grantedMaxTokens() - counted.completionTokens()) : 0;
            if (prompt == counted.promptTokens() && hidden == 0) {
                return counted;
            }
            return new Usage(prompt, counted.completionTokens() + hidden, counted.cachedPromptTokens(),
                    counted.reasoningTokens() + hidden, counted.images(), counted.imageVariant());
        }

        // ------------------------------------------------------------------ closing the reservation

        /** The cost of a usage as {@link #priced} computes it. */
        private Money cost(Usage usage) {
            return priced(usage).cost();
        }

        /**
         * The cost of a usage at the price of the model that answered, and the price book version it is priced with:
         * the {@link #settlementPrice}. A cost past what the ledger's amounts hold (an absurd price times a large
         * usage) is the reservation: it never escapes as a 500 that leaves the reservation unsettled.
         */
        private Priced priced(Usage usage) {
            PriceInForce settling = settlementPrice(attempts == null ? null : attempts.answering());
            try {
                return new Priced(settling.cost(usage, usage.images()), settling.version());
            } catch (ArithmeticException tooLarge) {
                log.error("Request {}: the cost of {} is too large for the ledger; it is charged its reservation",
                        requestId, usage);
                return new Priced(reservation == null ? Money.ZERO : reservation.amount(), settling.version());
            }
        }

        /**
         * The price a request is settled with: the answering model's price in force at the instant the request
         * started, as the price book stands when it ends. A correction of the past published while it ran (a long
         * stream) applies to it, as it would have been in the recalculation that correction started had the request
         * ended earlier (docs/ledger.md, "Cost corrections"). The price it started with when the book now has none.
         */
        private PriceInForce settlementPrice(CatalogModel answering) {
            PriceInForce started = priceOf(answering);
            String priced = answering != null && chainPrices.containsKey(answering.name()) ? answering.name()
                    : model.name();
            return prices.priceAt(priced, startedAt).orElse(started);
        }

        /**
         * Records the real cost. The answer does not wait for this commit: the reservation already holds at least
         * the cost in the budget, and if this node dies before the settlement is stored, the reservation expires
         * and is charged at its estimate. Never undercounted, and one database commit less on every answer.
         */
        private void settle(Usage usage, Priced priced) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            Money cost = priced.cost();
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
            observation.settled(usage, cost);
            rateLimiter.settle(admission, usage.totalTokens());
            // (no attempt yet only when a stream's client left before any deployment was chosen: nothing was used)
            CatalogModel answering = attempts == null || attempts.answering() == null ? model : attempts.answering();
            int attemptCount = attempts == null ? 0 : attempts.count();
            if (attempts != null) {
                attempts.finish(usage.totalTokens());
            }
            SettleSpend line = new SettleSpend(requestId, answering.name(), usage, cost, priced.version(),
                    answering.provider(), answering.deploymentName(), latency, attemptCount);
            ledger.submit(key.teamId(), line).whenComplete((outcome, failure) -> {
                if (failure != null) {
                    log.error("Request {} could not be settled; its reservation will expire and be charged at its "
                            + "estimate", requestId, failure);
                } else if (outcome instanceof SpendOutcome.Refused refused) {
                    log.error("Request {} was answered but the ledger refused its settlement at {} ({}); its "
                            + "reservation will expire and be charged at its estimate", requestId,
                            cost.toDecimalString(), refused.reason());
                } else if (outcome instanceof SpendOutcome.NotOpen notOpen) {
                    // an answered request's reservation is open until this settlement (or its expiry): never silent
                    log.error("Request {} was answered but the ledger found its reservation {} at its settlement: "
                            + "the cost {} is not recorded", requestId, notOpen.state(), cost.toDecimalString());
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
            if (failure.mayBill()) {
                return chargeReservationThenFail(failure);
            }
            String reason = switch (failure.kind()) {
                case HTTP_STATUS -> "upstream_http_" + failure.status();
                case TIMEOUT -> "upstream_timeout";
                case CONNECTION -> "upstream_unreachable";
                case TOO_LARGE -> "upstream_answer_too_large";
            };
            log.warn("Request {}: {}", requestId, failure.getMessage());
            ApiError error = UpstreamErrors.toApiError(failure, json, properties.edge().exposeUpstreamDetails());
            if (attempts != null && attempts.count() > 0) {
                error.withHeader(TollgateHeaders.ATTEMPTS, Integer.toString(attempts.count()));
            }
            return release(reason).then(Mono.error(error));
        }

        /**
         * An upstream that may bill for a request it did not answer usably (a whole answer too large to read, a
         * timeout or a lost connection after the request was sent): what it bills cannot be known, so the request is
         * settled at its reservation, the worst case, never less. The client is told so, with the cost.
         */
        private <T> Mono<T> chargeReservationThenFail(UpstreamFailure failure) {
            log.warn("Request {}: {}; the upstream may bill for it: charged its reservation, {}", requestId,
                    failure.getMessage(), reservation.amount().toDecimalString());
            Money cost = chargeReservation();
            ApiError error = UpstreamErrors.toChargedApiError(failure, properties.edge().exposeUpstreamDetails(),
                    cost.toDecimalString())
                    .withHeader(TollgateHeaders.RESERVED, cost.toDecimalString())
                    .withHeader(TollgateHeaders.COST, cost.toDecimalString());
            if (attempts != null && attempts.count() > 0) {
                error.withHeader(TollgateHeaders.ATTEMPTS, Integer.toString(attempts.count()));
            }
            return Mono.error(error);
        }

        /** Settles the request at its reservation: the worst case, the prompt and every output token granted. */
        private Money chargeReservation() {
            Money cost = reservation.amount();
            CatalogModel answering = attempts == null || attempts.answering() == null ? model : attempts.answering();
            // the reservation's amount, priced when the request started
            settle(new Usage(plan.promptTokens, reservation.grantedMaxTokens(), 0, 0),
                    new Priced(cost, priceOf(answering).version()));
            return cost;
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
    }
}
