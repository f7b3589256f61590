package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.edge.telemetry.RequestObservation;
import dev.tollgate.edge.wire.UsageSplice;
import dev.tollgate.query.directory.KeyRecord;
import org.springframework.http.HttpStatus;

import java.util.function.UnaryOperator;

/**
 * One request of an {@link OpenAiEndpoint}: what {@link GovernedCall} needs to know about it that differs from
 * route to route. A route's plan reads the body once (400 on what the gateway relies on), then tells the governed
 * call how the worst case is made ({@link #fixedCost}, {@link #perChoice}, {@link #choices}), how the body is
 * prepared for one attempt ({@link #forward}), how an answer's usage is read ({@link #usage}), how the cost goes into
 * it ({@link #putCost}) and how its stream is relayed ({@link #dialect}).
 * <p>
 * The worst case reserved is {@code fixedCost + outputPrice × perChoice × choices}, the largest over the models that
 * may answer; with a team policy of {@code clamp} the ledger may grant fewer output tokens, never fewer than the
 * configured minimum (a plan that is not {@link #clampable}: never fewer than the worst case).
 */
abstract class Plan {

    protected final ObjectNode body;
    protected final CatalogModel model;
    protected final PriceInForce price;

    /**
     * Prompt tokens as counted here, its {@link #images} aside: the estimate, and the usage when the upstream reports
     * none. Until {@link #exactPrompt()} a plan may hold an upper bound here ({@link #promptExact} false).
     */
    protected long promptTokens;
    /** Whether {@link #promptTokens} is the tokenizer's count; false: an upper bound of it. */
    protected boolean promptExact = true;
    /**
     * Images in the prompt: each counts the {@code max-image-tokens} of the model that reads it
     * ({@link CatalogModel#promptTokens}) in the reservation, and is priced per image where the model has such a
     * price; the context window and the rate limits' estimates leave them out (GovernedCall).
     */
    protected long images;
    /**
     * The first input the upstream reads that the request does not carry ({@link UnseenInputs}), as a {@code param};
     * {@code null}: none. With one, the prompt is reserved at the context window of the model that may read it.
     */
    protected String unseenInput;
    /** The model of the last attempt ({@link #forward}): the one whose answer is counted here if it has no usage. */
    private CatalogModel answering;
    /** How many answers are generated (and billed): n, best_of, prompts of a batch. */
    protected long choices = 1;
    /** The output tokens per choice the client asked for; {@code null}: not limited by the client. */
    protected Long requestedPerChoice;
    /** The body field limiting output tokens per choice ({@code max_tokens}...); {@code null}: the route has none. */
    protected String maxTokensField;
    /** Whether the budget may lower the output tokens (images cannot be made smaller to fit a budget). */
    protected boolean clampable = true;
    protected boolean stream;
    /** What a usage counted here is charged at ({@link #charged}); GovernedCall's rule, the same for streams. */
    private UnaryOperator<Usage> unreported = UnaryOperator.identity();

    Plan(ObjectNode body, CatalogModel model, PriceInForce price) {
        this.body = body;
        this.model = model;
        this.price = price;
    }

    /** The prompt counted exactly, for a plan that starts from an upper bound (only then called). */
    long countPrompt() {
        return promptTokens;
    }

    /** Makes {@link #promptTokens} the exact count (once); answers it. */
    final long exactPrompt() {
        if (!promptExact) {
            promptTokens = countPrompt();
            promptExact = true;
        }
        return promptTokens;
    }

    /** The prompt counted exactly, with its images as the answering model counts them at most: usage not reported. */
    final long countedPrompt() {
        long text = exactPrompt();
        return (answering == null ? model : answering).promptTokens(text, images);
    }

    /**
     * The tokens one call of the model must read at once, which its context window must hold: the prompt (as counted,
     * or its upper bound until {@link #exactPrompt()}), images aside. A batch is read input by input: its longest.
     */
    long windowTokens() {
        return promptTokens;
    }

    /** The body field the context window is checked on: a refusal for a too-long prompt names it. */
    String windowParam() {
        return "messages";
    }

    /**
     * Whether the context window of {@code candidate} holds this request: its {@link #windowTokens} with room for at
     * least one answer token ({@link CatalogModel#fits}); a route that generates no tokens needs none.
     */
    boolean fits(CatalogModel candidate) {
        return candidate.fits(windowTokens());
    }

    /** A refusal of a request too long for {@code candidate}'s context window. */
    ApiError tooLong(CatalogModel candidate) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "context_length_exceeded",
                windowParam(), "This model's context window is "
                + candidate.contextWindow() + " tokens; " + windowCounted() + ". Shorten it, or use a model with a "
                + "larger window.");
    }

    /** What a {@link #tooLong} refusal says was counted. */
    String windowCounted() {
        return "the prompt has " + windowTokens();
    }

    /**
     * The part of the worst case that does not depend on the answer, for {@code prompt} prompt tokens: the prompt,
     * its images, and the output billed beyond the output limit ({@link #outputBeyondLimit}) at the output price.
     */
    Money fixedCost(PriceInForce candidate, long prompt) {
        return candidate.fixedCost(prompt, images, outputBeyondLimit());
    }

    /**
     * Output tokens the upstream may bill whatever the output limit, all choices together, which no clamp lowers
     * (chat's Predicted Outputs: the predicted tokens the answer rejects). The one place both the reservation
     * ({@link #fixedCost}) and the rate limits' token estimates (GovernedCall) take them from, so that a request
     * cannot be reserved for tokens its key's or its deployment's tokens per minute do not count.
     */
    long outputBeyondLimit() {
        return 0;
    }

    /** The most output tokens per choice {@code candidate} may produce for this request: the client's, or its cap. */
    long perChoice(CatalogModel candidate, PriceInForce candidatePrice) {
        if (maxTokensField == null) {
            return 0;
        }
        return Math.min(requestedPerChoice == null ? candidate.maxOutputTokens() : requestedPerChoice,
                candidate.maxOutputTokens());
    }

    /** Whether {@code candidate}, a model that may answer in place of the requested one, can take this request. */
    boolean accepts(CatalogModel candidate, PriceInForce candidatePrice) {
        return true;
    }

    /**
     * Prepares the body for one attempt on {@code target}: its upstream model name and, where the route limits
     * output tokens, {@code perChoice} when the budget or the model's cap is below what was asked (or as the client
     * sent it: an earlier attempt may have lowered it). A request that set no limit is sent none unless the budget
     * clamped it: the upstream's own default stands, which for a model configured with its real
     * {@code max-output-tokens} is what was reserved (forcing the cap on every request would refuse long prompts on
     * small context windows and cut reasoning models short where the cap is left at its default).
     */
    void forward(CatalogModel target, long perChoice, boolean clamped) {
        answering = target;
        body.put("model", target.upstreamModel());
        if (maxTokensField == null) {
            return;
        }
        if (clamped || (requestedPerChoice != null && requestedPerChoice > perChoice)) {
            body.put(maxTokensField, perChoice);
        } else if (requestedPerChoice != null) {
            body.put(maxTokensField, requestedPerChoice);
        } else {
            body.remove(maxTokensField);
        }
    }

    /**
     * The real usage of a whole answer, images included (counted here when the upstream reports none, and then
     * written into the answer); {@code null}: the bytes are not an answer of this route.
     */
    abstract Usage usage(ObjectNode answer);

    /** Sets what a usage counted here, where the upstream reported none, is charged at ({@link #charged}). */
    final void chargeUnreported(UnaryOperator<Usage> charge) {
        this.unreported = charge;
    }

    /**
     * The usage of a whole answer the upstream reported none for, counted here, as it is charged (a model that
     * hides its reasoning: its grant); the route writes it into the answer.
     */
    final Usage charged(Usage counted) {
        return unreported.apply(counted);
    }

    /**
     * How a whole answer of this route is read without a JSON tree ({@link UsageSplice}); {@code null}: always by its
     * tree ({@link #usage}, {@link #putCost}).
     */
    UsageSplice.Shape shape() {
        return null;
    }

    /** The usage of a whole answer read by {@link UsageSplice}, as {@link #usage} would have made it. */
    Usage reported(Usage usage) {
        return usage;
    }

    /** Adds the cost to the answer's usage block, where it has one. */
    void putCost(ObjectNode answer, Money cost) {
        if (answer.get("usage") instanceof ObjectNode usage) {
            usage.put("cost", cost.toBigDecimal().stripTrailingZeros());
        }
    }

    /** How a stream of this route is relayed; only called when {@link #stream} is set. */
    StreamRelay.Dialect dialect() {
        throw ApiError.invalidRequest("Streaming is not supported on this route.", "stream");
    }

    /** Tells telemetry what was asked (the chat route reads more of its request). */
    void identify(RequestObservation observation, KeyRecord key, String route) {
        observation.identified(key, model, body, stream, route);
    }

    // ------------------------------------------------------------------ shared checks

    static Long positiveLong(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw ApiError.invalidRequest("'" + field + "' must be a positive integer.", field);
        }
        return value.asLong();
    }

    static int boundedInt(JsonNode body, String field, int min, int max, int absent) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw ApiError.invalidRequest("'" + field + "' must be an integer from " + min + " to " + max + ".",
                    field);
        }
        return value.asInt();
    }

    /** A field that is an array when set: the array, or an empty node when absent or {@code null}; else a 400. */
    static JsonNode array(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (!value.isArray() && !value.isMissingNode() && !value.isNull()) {
            throw ApiError.invalidRequest("'" + field + "' must be an array.", field);
        }
        return value;
    }

    static boolean flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw ApiError.invalidRequest("'" + field + "' must be true or false.", field);
        }
        return value != null && value.asBoolean(false);
    }

    /** Asks the upstream for the usage of a stream, whatever the client asked (it is stripped if not asked for). */
    static void askForStreamUsage(ObjectNode body) {
        ObjectNode options = body.path("stream_options") instanceof ObjectNode existing ? existing
                : body.putObject("stream_options");
        options.put("include_usage", true);
    }
}
