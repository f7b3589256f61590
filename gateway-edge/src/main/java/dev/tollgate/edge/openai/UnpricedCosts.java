package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.OpenAiModelFamilies;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.pricing.PriceInForce;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;

/**
 * What an upstream bills beyond the tokens of text and images Tollgate prices: audio tokens (at their own prices,
 * many times a text token's, inside the same token counts), the per-call fees of OpenAI's built-in tools (web search,
 * file search, code interpreter, image generation: not in the usage at all) and service tiers that bill every token
 * at a higher price (priority, and any tier not known to cost less). Charged at the model's text prices they would be
 * undercounted without a trace, so a request that asks for them is refused before anything is reserved or sent.
 * OpenAI's search models search on every call: they are served only with a per-request price to charge the search
 * with.
 */
final class UnpricedCosts {

    private UnpricedCosts() {
    }

    /**
     * Fields routers such as OpenRouter and LiteLLM read on every route: {@code plugins} (web search and PDF parsing,
     * billed per call beside the tokens) and the router's own fallbacks ({@link #ROUTER_FALLBACKS}: to models or
     * providers whose prices are not the one reserved for). Tollgate routes and prices the model itself
     * (docs/routing.md).
     */
    static void refuseRouterFields(ObjectNode body) {
        if (body.has("plugins")) {
            throw refused("plugins", "A router's plugins (web search, PDF parsing), billed per call beside the "
                    + "tokens,");
        }
        for (String field : ROUTER_FALLBACKS) {
            if (body.has(field)) {
                throw refused(field, "A router's own choice of other models or providers, at prices Tollgate did not "
                        + "reserve,");
            }
        }
    }

    /**
     * OpenRouter's {@code models}, {@code route} and {@code provider} (its choice among providers at other prices),
     * LiteLLM's {@code fallbacks} and {@code context_window_fallbacks}.
     */
    private static final List<String> ROUTER_FALLBACKS = List.of("models", "route", "provider", "fallbacks",
            "context_window_fallbacks");

    /** A chat completion request's own fields (its messages' audio: {@link #refuseAudioInMessage}). */
    static void refuseInChat(ObjectNode body) {
        if (body.hasNonNull("audio")) {
            throw refused("audio", "Audio output");
        }
        for (JsonNode modality : Plan.array(body, "modalities")) {
            if ("audio".equals(modality.asText())) {
                throw refused("modalities", "Audio output");
            }
        }
        if (body.hasNonNull("web_search_options")) {
            throw refused("web_search_options", "Web search, billed per call beside the tokens,");
        }
        refuseUnpricedTier(body);
    }

    /**
     * One chat message (its {@code content} a string, an array or null), named {@code param}: its {@code input_audio}
     * parts, and an assistant's {@code audio} (an earlier answer's audio by id, which the upstream reads again as
     * audio input).
     */
    static void refuseAudioInMessage(JsonNode message, String param) {
        if (message.hasNonNull("audio")) {
            throw refused(param + ".audio", "Audio input");
        }
        JsonNode content = message.path("content");
        for (int j = 0; j < content.size(); j++) {
            if ("input_audio".equals(content.get(j).path("type").asText())) {
                throw refused(param + ".content[" + j + "]", "Audio input");
            }
        }
    }

    /**
     * Whether {@code model} is served by one of OpenAI's search models (each call billed a web search beside its
     * tokens, never in the usage) while the price in force has no per-request amount to charge it with.
     */
    static boolean searchFeeUnpriced(CatalogModel model, PriceInForce price) {
        if (price.price().free() || price.price().perRequest() != null) {
            return false;
        }
        for (CatalogModel deployment : model.deployments()) {
            if (OpenAiModelFamilies.servesOpenAiModels(deployment.provider())
                    && OpenAiModelFamilies.isWebSearch(deployment.upstreamModel())) {
                return true;
            }
        }
        return false;
    }

    /** A Responses request: its built-in tools with per-call fees, and priority processing. */
    static void refuseInResponses(ObjectNode body) {
        JsonNode tools = Plan.array(body, "tools");
        for (int i = 0; i < tools.size(); i++) {
            String type = tools.get(i).path("type").asText("");
            if (type.startsWith("web_search") || type.equals("file_search") || type.equals("code_interpreter")
                    || type.equals("image_generation")) {
                throw refused("tools[" + i + "]", "The built-in tool '" + type + "', billed per call beside the "
                        + "tokens,");
            }
        }
        refuseUnpricedTier(body);
    }

    /**
     * The tiers whose tokens cost at most what the price book says: {@code auto} is the operator's own default (the
     * tier their prices are for), {@code default} the standard prices, {@code flex} half of them and {@code scale}
     * prepaid capacity. Any other tier ({@code priority}, and tiers added after this list) may bill every token at
     * a higher price, so it is refused unless named here.
     */
    private static final Set<String> PRICED_TIERS = Set.of("auto", "default", "flex", "scale");

    private static void refuseUnpricedTier(ObjectNode body) {
        JsonNode tier = body.get("service_tier");
        if (tier != null && !tier.isNull() && !(tier.isTextual() && PRICED_TIERS.contains(tier.asText()))) {
            throw refused("service_tier", "Processing at a service tier other than auto, default, flex or scale "
                    + "(priority bills every token at higher prices)");
        }
    }

    private static ApiError refused(String param, String what) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "unsupported_parameter", param,
                what + " is not supported through Tollgate: Tollgate could not charge it at its price.");
    }
}
