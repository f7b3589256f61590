package dev.tollgate.edge.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.api.InvalidValue;
import dev.tollgate.api.money.DecimalText;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.price.PublishPrices;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.errors.Echo;
import dev.tollgate.edge.outbound.OutboundException;
import dev.tollgate.edge.outbound.OutboundHttp;
import dev.tollgate.edge.outbound.OutboundRequest;
import dev.tollgate.edge.pricing.LiteLlmPrices;
import dev.tollgate.edge.pricing.PriceBookCache;
import dev.tollgate.edge.recalculation.Recalculations;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.price.PriceQueries;
import dev.tollgate.query.price.PriceVersionView;
import dev.tollgate.query.recalculation.RecalculationQueries;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prices without redeploys: publish a new version of the price book, or import LiteLLM's community price table.
 * Admins only. A version in force changes what new requests cost; each settlement records its version.
 */
@RestController
@Tag(name = "Admin: prices", description = "The versioned price book")
public class PriceAdminController {

    private static final TypeReference<Map<String, Object>> VERSION_FIELDS = new TypeReference<>() {
    };

    private final CommandGateway commands;
    private final ModelCatalog catalog;
    private final PriceBookCache cache;
    private final PriceQueries queries;
    private final ObjectMapper json;
    /** A version in force from further back than this is a correction of the past. */
    private static final Duration CORRECTION_THRESHOLD = Duration.ofSeconds(5);

    private final Recalculations recalculations;
    private final RecalculationQueries recalculationQueries;
    private final OutboundHttp outbound;

    public PriceAdminController(CommandGateway commands, ModelCatalog catalog, PriceBookCache cache,
                                PriceQueries queries, ObjectMapper json, Recalculations recalculations,
                                RecalculationQueries recalculationQueries, OutboundHttp outbound) {
        this.outbound = outbound;
        this.recalculations = recalculations;
        this.recalculationQueries = recalculationQueries;
        this.commands = commands;
        this.catalog = catalog;
        this.cache = cache;
        this.queries = queries;
        this.json = json;
    }

    @PutMapping("/admin/prices")
    @Operation(summary = "Publish a new version of the price book, in force from effective_from (now by default)")
    public Mono<Map<String, Object>> publish(@RequestBody AdminRequests.PublishPricesBody body,
                                             ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "publish prices");
        AdminSupport.requireReason(body.reason(), "price change");
        if (body.prices() == null || body.prices().isEmpty()) {
            throw ApiError.invalidRequest("'prices' maps model names to their prices.", "prices");
        }
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        body.prices().forEach((model, price) -> {
            if (catalog.find(model).isEmpty()) {
                throw ApiError.invalidRequest("Unknown model '" + Echo.of(model) + "': only configured models have prices.",
                        "prices");
            }
            if (price == null) {
                throw ApiError.invalidRequest("Model '" + Echo.of(model) + "' needs a price: an object with 'input' "
                        + "and 'output' (or 'free': true).", "prices." + model);
            }
            prices.put(model, price(model, price));
        });
        return publishCorrecting(new PublishPrices(PublishPrices.PRICE_BOOK, body.effectiveFrom(), prices,
                Boolean.TRUE.equals(body.replace()), "api", principal.id(), body.reason()), principal);
    }

    /**
     * Publishes, and when the version is in force from the past (a correction of prices already charged) starts
     * a recalculation of the requests since then. A correction is refused before anything is published while no
     * recalculation can start (one runs, or an approved one is being applied: {@code 409}), and a publication that
     * changes no price records no version and starts no recalculation.
     */
    private Mono<Map<String, Object>> publishCorrecting(PublishPrices command, Principal principal) {
        boolean correction = isCorrection(command.effectiveFrom());
        return Blocking.query(() -> {
                    if (correction) {
                        recalculations.requireStartable();
                    }
                    return queries.stamp().latest();
                })
                .flatMap(latestBefore -> publish(command).flatMap(version -> withRecalculation(version,
                        correction && version.number() > latestBefore, command.effectiveFrom(), command.reason(),
                        principal)));
    }

    private static boolean isCorrection(Instant effectiveFrom) {
        return effectiveFrom != null && effectiveFrom.isBefore(Instant.now().minus(CORRECTION_THRESHOLD));
    }

    /**
     * A new version in force from the past corrects prices already charged: re-cost the requests since then. The
     * diff waits for approval; the answer names the recalculation.
     */
    private Mono<Map<String, Object>> withRecalculation(PriceVersionView version, boolean recalculate,
                                                        Instant effectiveFrom, String reason, Principal principal) {
        Map<String, Object> answer = new LinkedHashMap<>(json.convertValue(version, VERSION_FIELDS));
        if (!recalculate) {
            return Mono.just(answer);
        }
        return Blocking.query(() -> recalculations.start(effectiveFrom, null, "price correction " + version.version()
                        + ": " + reason, principal.id()))
                .flatMap(id -> ReadModelWait.until(() -> recalculationQueries.find(id))) // listed once answered
                .map(recalculation -> {
                    answer.put("recalculation_id", recalculation.id());
                    return answer;
                });
    }

    /** The import's body: the table inline ({@code data}) or where to fetch it ({@code url}). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ImportBody(
            @Schema(description = "URL of a model_prices_and_context_window.json") String url,
            @Schema(description = "The table itself (the file's content)") JsonNode data,
            @Schema(description = "Configured model → LiteLLM entry, where the names differ") Map<String, String> models,
            @Schema(description = "ISO instant; now when absent") Instant effectiveFrom,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }

    @PostMapping("/admin/prices/import")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Import prices from LiteLLM's model_prices_and_context_window.json (inline or by URL) for "
            + "the configured models, as a new version")
    public Mono<Map<String, Object>> importLiteLlm(@RequestBody ImportBody body, ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "import prices");
        AdminSupport.requireReason(body.reason(), "price change");
        if ((body.url() == null) == (body.data() == null)) {
            throw ApiError.invalidRequest("Give the table as 'data' or its 'url' (one of them).", "url");
        }
        // Fetched through the SSRF guard; its errors name the problem, never what the server sent.
        Mono<JsonNode> table = body.data() != null ? Mono.fromCallable(() -> LiteLlmPrices.parse(body.data()))
                : outbound.fetch(OutboundRequest.get(body.url()))
                .map(answer -> LiteLlmPrices.parse(answer.requireOk()))
                .onErrorMap(OutboundException.class,
                        e -> ApiError.invalidRequest("Could not fetch 'url': " + e.getMessage() + ".", "url"))
                .onErrorMap(InvalidValue.class, e -> ApiError.invalidRequest(e.getMessage(), "url"));
        return table.flatMap(parsed -> {
            LiteLlmPrices.Import found = LiteLlmPrices.forModels(parsed, catalog.all(), body.models());
            if (found.prices().isEmpty()) {
                return Mono.error(ApiError.invalidRequest("The table has no entry for any configured model "
                        + found.missing() + "; map them with 'models'.", "models"));
            }
            return publishCorrecting(new PublishPrices(PublishPrices.PRICE_BOOK, body.effectiveFrom(),
                    found.prices(), false, "litellm", principal.id(), body.reason()), principal)
                    .map(answer -> {
                        answer.put("matched", found.matchedEntries());
                        answer.put("missing", found.missing());
                        return answer;
                    });
        });
    }

    /** Publishes, then answers with the version once the read model (and this node's cache) has it. */
    private Mono<PriceVersionView> publish(PublishPrices command) {
        return Mono.defer(() -> AdminSupport.send(commands, command))
                .map(version -> (Integer) version)
                .flatMap(version -> ReadModelWait.until(() -> queries.versions().stream()
                        .filter(v -> v.number() == version).findFirst()))
                .doOnNext(version -> cache.refresh());
    }

    private static ModelPrice price(String model, AdminRequests.PriceBody body) {
        try {
            Map<String, BigDecimal> imagePrices = null;
            if (body.imagePrices() != null) {
                imagePrices = new LinkedHashMap<>();
                for (Map.Entry<String, String> entry : body.imagePrices().entrySet()) {
                    imagePrices.put(entry.getKey(), entry.getValue() == null ? null
                            : DecimalText.parse(entry.getValue()));
                }
            }
            Map<String, Money> images = imagePrices == null ? null : ModelCatalog.imagePrices(imagePrices);
            if (Boolean.TRUE.equals(body.free())) {
                return new ModelPrice(tokens(body.input()), tokens(body.cachedInput()), tokens(body.output()),
                        tokens(body.reasoning()), money(body.perImage()), money(body.perRequest()), true, images);
            }
            return new ModelPrice(tokens(body.input()), tokens(body.cachedInput()), tokens(body.output()),
                    tokens(body.reasoning()), money(body.perImage()), money(body.perRequest()), false, images);
        } catch (InvalidValue e) { // Tollgate's own words; anything else is a bug, answered 500 without detail
            throw ApiError.invalidRequest("Model '" + Echo.of(model) + "': " + e.getMessage() + ".",
                    "prices." + model);
        }
    }

    private static TokenPrice tokens(String perMillion) {
        return perMillion == null ? null : new TokenPrice(DecimalText.parse(perMillion));
    }

    private static Money money(String amount) {
        return amount == null ? null : Money.parseAmount(amount);
    }

}
