package dev.tollgate.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.config.OpenAiModelFamilies;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.pricing.PriceInForce;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;

/**
 * What an upstream bills beyond the tokens of text and images Tollgate prices: audio and image output tokens (at
 * their own prices, many times a text token's, inside the same token counts), the per-call fees of tools the upstream
 * runs itself (OpenAI's web search, file search, code interpreter, image generation and hosted shell, a router's
 * server tools: not in the usage at all) and service tiers that bill every token at a higher price (priority, and any
 * tier not known to cost less). Charged at the model's text prices they would be undercounted without a trace, so a
 * request that asks for them is refused before anything is reserved or sent. Tools and output modalities are denied
 * by default: only those known to bill as tokens pass.
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

    /**
     * The tool types of a chat completion request that bill as tokens only: functions and custom (free-form input)
     * tools, both run by the client. Any other type (a router's server tools such as OpenRouter's
     * {@code openrouter:web_search}, {@code openrouter:web_fetch}, {@code openrouter:image_generation} and
     * {@code openrouter:shell}, billed per call beside the tokens; a type added after this list) is refused.
     */
    private static final Set<String> CHAT_TOOLS = Set.of("function", "custom");

    /**
     * The tool types of a Responses request that bill as tokens only: functions and custom tools; remote MCP servers
     * (no fee of their own: their tool definitions and results are billed as input tokens, counted as input Tollgate
     * cannot see, {@link UnseenInputs}); the tools the client runs itself, computer use ({@code computer_use_preview}
     * and {@code computer}), {@code local_shell}, {@code apply_patch}, and {@code shell} in a local environment (see
     * {@link #hostedShell}). Any other type is refused: OpenAI's built-in tools with per-call fees (web search, file
     * search, code interpreter, image generation), a router's server tools ({@code openrouter:*}), types added after
     * this list.
     */
    private static final Set<String> RESPONSES_TOOLS = Set.of("function", "custom", "mcp", "computer_use_preview",
            "computer", "local_shell", "shell", "apply_patch");

    /** The longest part of a client's value an error quotes. */
    private static final int QUOTED = 64;

    /** A chat completion request's own fields (its messages' audio: {@link #refuseAudioInMessage}). */
    static void refuseInChat(ObjectNode body) {
        if (body.hasNonNull("audio")) {
            throw refused("audio", "Audio output");
        }
        refuseOutputModalities(body);
        if (body.hasNonNull("web_search_options")) {
            throw refused("web_search_options", "Web search, billed per call beside the tokens,");
        }
        refuseUnpricedTools(body, CHAT_TOOLS);
        refuseUnpricedTier(body);
    }

    /**
     * {@code modalities}, an array: only {@code text}. Audio output and image output (OpenRouter's image models)
     * bill their tokens at their own prices, many times a text token's, inside the same output token count.
     */
    private static void refuseOutputModalities(ObjectNode body) {
        for (JsonNode modality : Plan.array(body, "modalities")) {
            if (!(modality.isTextual() && modality.asText().equals("text"))) {
                throw refused("modalities", modality.isTextual() && modality.asText().equals("audio")
                        ? "Audio output" : "Output in the modality " + quoted(modality));
            }
        }
    }

    /**
     * {@code tools}, an array: each a tool of a type {@code priced} names, and a {@code shell} only in a local
     * environment. Deny by default: a type Tollgate does not know may run on the upstream's servers and be billed per
     * call beside the tokens.
     */
    private static void refuseUnpricedTools(ObjectNode body, Set<String> priced) {
        JsonNode tools = Plan.array(body, "tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            JsonNode type = tool.path("type");
            if (!type.isTextual()) {
                throw refused("tools[" + i + "]", "A tool without a 'type' (tools of type "
                        + String.join(", ", new TreeSet<>(priced)) + " are served)");
            }
            if (!priced.contains(type.asText())) {
                throw refused("tools[" + i + "]", "The tool type " + quoted(type) + ", which the upstream may run "
                        + "itself and bill per call beside the tokens (tools of type "
                        + String.join(", ", new TreeSet<>(priced)) + " are served),");
            }
            if (type.asText().equals("shell") && hostedShell(tool)) {
                throw refused("tools[" + i + "]", "The built-in tool 'shell' in the hosted environment "
                        + quoted(tool.path("environment").path("type")) + ", a container billed beside the tokens "
                        + "(a shell with no environment or a local one is served),");
            }
        }
    }

    /**
     * Whether a {@code shell} tool runs on the upstream's servers: its {@code environment} is a container
     * ({@code container_auto}, {@code container_reference}) or anything but absent, {@code null} or
     * {@code {"type":"local"}} (the client runs the commands).
     */
    private static boolean hostedShell(JsonNode tool) {
        JsonNode environment = tool.get("environment");
        return environment != null && !environment.isNull()
                && !(environment.isObject() && environment.path("type").asText("").equals("local"));
    }

    /**
     * A client's value as an error quotes it: a string in quotes, at most {@link #QUOTED} characters of it (never half
     * a surrogate pair).
     */
    private static String quoted(JsonNode value) {
        String text = value.isTextual() ? value.asText() : value.isMissingNode() ? "(none)" : value.toString();
        if (text.length() <= QUOTED) {
            return "'" + text + "'";
        }
        int end = Character.isHighSurrogate(text.charAt(QUOTED - 1)) ? QUOTED - 1 : QUOTED;
        return "'" + text.substring(0, end) + "...'";
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

    /**
     * A Responses request: its tools other than those billed as tokens ({@link #RESPONSES_TOOLS}), output other than
     * text (OpenRouter reads {@code modalities} here too), and priority processing.
     */
    static void refuseInResponses(ObjectNode body) {
        refuseUnpricedTools(body, RESPONSES_TOOLS);
        refuseOutputModalities(body);
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
