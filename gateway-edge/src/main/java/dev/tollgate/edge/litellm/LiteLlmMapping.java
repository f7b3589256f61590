package dev.tollgate.edge.litellm;

import dev.tollgate.edge.config.OpenAiModelFamilies;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.litellm.LiteLlmImport.Deployment;
import dev.tollgate.edge.litellm.LiteLlmImport.Finding;
import dev.tollgate.edge.litellm.LiteLlmImport.Level;
import dev.tollgate.edge.litellm.LiteLlmImport.RouterSettings;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one place where a LiteLLM proxy config becomes Tollgate models (docs/litellm-migration.md). Each usable
 * {@code model_list} entry is a deployment of its {@code model_name} (with its rpm, tpm, weight and timeout); the
 * router settings ({@code router_settings}, and the same keys in {@code litellm_settings}) become the routing of every
 * imported model. Anything that cannot be honoured is named in a finding: {@link Level#REFUSED} leaves the entry
 * out, {@link Level#WARNING} imports it without that field or setting. Secrets never appear in findings.
 */
public final class LiteLlmMapping {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final String ENV = "os.environ/";

    /** A provider prefix Tollgate serves: its provider and the default base URL ({@code null}: api_base required). */
    private record Prefix(String provider, String defaultBase) {
    }

    private static final Map<String, Prefix> PREFIXES = Map.ofEntries(
            Map.entry("openai", new Prefix("openai", "https://api.openai.com/v1")),
            Map.entry("azure", new Prefix("azure", null)),
            Map.entry("anthropic", new Prefix("anthropic", "https://api.anthropic.com")),
            Map.entry("hosted_vllm", new Prefix("openai", null)),
            Map.entry("ollama", new Prefix("openai", "http://localhost:11434")),
            Map.entry("ollama_chat", new Prefix("openai", "http://localhost:11434")),
            Map.entry("lm_studio", new Prefix("openai", "http://localhost:1234/v1")),
            Map.entry("openrouter", new Prefix("openai", "https://openrouter.ai/api/v1")),
            Map.entry("groq", new Prefix("openai", "https://api.groq.com/openai/v1")),
            Map.entry("mistral", new Prefix("openai", "https://api.mistral.ai/v1")),
            Map.entry("deepseek", new Prefix("openai", "https://api.deepseek.com/v1")),
            Map.entry("together_ai", new Prefix("openai", "https://api.together.xyz/v1")),
            Map.entry("fireworks_ai", new Prefix("openai", "https://api.fireworks.ai/inference/v1")),
            Map.entry("xai", new Prefix("openai", "https://api.x.ai/v1")));

    /** litellm_params Tollgate reads; any other is warned about by name. */
    private static final Set<String> PARAMS = Set.of("model", "api_base", "base_url", "api_key", "api_version", "rpm",
            "tpm", "weight", "timeout", "stream_timeout", "input_cost_per_token", "output_cost_per_token",
            "cache_read_input_token_cost");

    /** LiteLLM routing strategies and the strategy of Tollgate's routing that does the same. */
    private static final Map<String, TollgateProperties.Strategy> STRATEGIES = Map.of(
            "simple-shuffle", TollgateProperties.Strategy.WEIGHTED_SHUFFLE,
            "least-busy", TollgateProperties.Strategy.LEAST_BUSY,
            "usage-based-routing", TollgateProperties.Strategy.USAGE_BASED,
            "usage-based-routing-v2", TollgateProperties.Strategy.USAGE_BASED,
            "latency-based-routing", TollgateProperties.Strategy.LOWEST_LATENCY);

    private static final Set<String> ROUTER_KEYS = Set.of("routing_strategy", "num_retries", "fallbacks",
            "context_window_fallbacks", "allowed_fails", "cooldown_time");

    private final Function<String, String> env;
    private final Set<String> configuredModels;
    private final Set<String> takenNames;
    private final List<Finding> findings = new ArrayList<>();
    private final List<Finding> droppedFallbacks = new ArrayList<>();
    /** {@code litellm_settings.request_timeout}: the timeout of entries without their own. */
    private Duration requestTimeout;

    private LiteLlmMapping(Function<String, String> env, Set<String> configuredModels,
                           Set<String> configuredDeployments) {
        this.env = env;
        this.configuredModels = configuredModels;
        this.takenNames = new java.util.HashSet<>(configuredDeployments);
    }

    /** Maps a parsed config; {@code env} looks up environment variables (for {@code os.environ/} api_base). */
    public static LiteLlmImport map(Map<String, Object> config, Function<String, String> env) {
        return map(config, env, Set.of(), Set.of());
    }

    /**
     * Maps a parsed config beside the models of {@code tollgate.models}: fallbacks may name them, and the imported
     * deployments get names none of theirs has.
     */
    public static LiteLlmImport map(Map<String, Object> config, Function<String, String> env,
                                    Set<String> configuredModels, Set<String> configuredDeployments) {
        return new LiteLlmMapping(env, configuredModels, configuredDeployments).run(config);
    }

    private LiteLlmImport run(Map<String, Object> config) {
        Object list = config.get("model_list");
        if (!(list instanceof List<?> entries) || entries.isEmpty()) {
            throw new IllegalStateException("The LiteLLM config has no model_list: nothing to import.");
        }
        if (config.get("litellm_settings") instanceof Map<?, ?> settings && settings.get("request_timeout") != null) {
            requestTimeout = seconds("litellm_settings.request_timeout", settings.get("request_timeout"));
        }
        List<Deployment> deployments = new ArrayList<>();
        Map<String, List<Deployment>> byModel = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Deployment deployment = entry(i, entries.get(i));
            if (deployment == null) {
                continue;
            }
            List<Deployment> group = byModel.computeIfAbsent(deployment.modelName(), m -> new ArrayList<>());
            if (!group.isEmpty()) {
                samePrices(group.get(0), deployment);
            }
            group.add(deployment);
            deployments.add(deployment);
        }
        RouterSettings router = router(config, byModel.keySet());
        for (Map.Entry<String, Object> section : config.entrySet()) {
            String key = section.getKey();
            switch (key) {
                case "model_list", "router_settings" -> { }
                case "litellm_settings" -> mapEach(section.getValue(), key, field -> ROUTER_KEYS.contains(field)
                        || field.equals("request_timeout") ? null : "not used by Tollgate");
                case "general_settings" -> mapEach(section.getValue(), key, field -> switch (field) {
                    case "master_key" -> "not used: Tollgate's master key comes from TOLLGATE_MASTER_KEY";
                    case "database_url" -> "not used: Tollgate's database comes from SPRING_DATASOURCE_URL";
                    default -> "not used by Tollgate";
                });
                case "environment_variables" -> warn(key, "not used: Tollgate reads the real environment; set these "
                        + "variables there (their values are not read or logged)");
                default -> warn(key, "section not used by Tollgate");
            }
        }
        List<TollgateProperties.Model> models = byModel.values().stream().map(group -> toModel(group, router))
                .toList();
        return new LiteLlmImport(models, deployments, router, List.copyOf(findings), List.copyOf(droppedFallbacks));
    }

    /** A Tollgate model has one price and one output cap: the first entry's; a later entry that differs is warned. */
    private void samePrices(Deployment first, Deployment other) {
        String at = "model_list[" + other.index() + "]";
        if (!same(first.inputPerMillion(), other.inputPerMillion())
                || !same(first.outputPerMillion(), other.outputPerMillion())
                || !same(first.cachedInputPerMillion(), other.cachedInputPerMillion())) {
            warn(at, "its prices differ from those of model_list[" + first.index() + "], the first entry of '"
                    + first.modelName() + "': a Tollgate model has one price, the first entry's is used");
        }
        if (!java.util.Objects.equals(first.maxOutputTokens(), other.maxOutputTokens())) {
            warn(at + ".model_info.max_output_tokens", "differs from that of model_list[" + first.index() + "], the "
                    + "first entry of '" + first.modelName() + "': a Tollgate model has one, the first entry's is used");
        }
    }

    private static boolean same(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    // ------------------------------------------------------------------ one model_list entry

    private Deployment entry(int i, Object raw) {
        String at = "model_list[" + i + "]";
        if (!(raw instanceof Map<?, ?> entry)) {
            refuse(at, "not a mapping");
            return null;
        }
        String modelName = text(entry.get("model_name"));
        Map<?, ?> params = entry.get("litellm_params") instanceof Map<?, ?> p ? p : Map.of();
        Map<?, ?> info = entry.get("model_info") instanceof Map<?, ?> m ? m : Map.of();
        String model = text(params.get("model"));
        if (modelName == null || modelName.isBlank()) {
            refuse(at + ".model_name", "missing");
            return null;
        }
        if (model == null || model.isBlank()) {
            refuse(at + ".litellm_params.model", "missing");
            return null;
        }
        if (modelName.contains("*") || model.contains("*")) {
            refuse(at + ".model_name", "wildcard routing ('" + modelName + "' → '" + model + "') is not supported: "
                    + "Tollgate serves the models it is told, each with its prices");
            return null;
        }
        String mode = text(info.get("mode"));
        if (mode != null && !mode.equals("chat") && !mode.equals("completion")) {
            refuse(at + ".model_info.mode", "'" + mode + "' models are not imported: Tollgate's imported models serve "
                    + "/v1/chat/completions");
            return null;
        }
        int slash = model.indexOf('/');
        String prefixName = slash < 0 ? "" : model.substring(0, slash);
        String upstream = slash < 0 ? model : model.substring(slash + 1);
        Prefix prefix;
        if (slash < 0) {
            prefix = PREFIXES.get("openai");
            warn(at + ".litellm_params.model", "'" + model + "' has no provider prefix: taken as an OpenAI model");
        } else {
            prefix = PREFIXES.get(prefixName);
            if (prefix == null) {
                refuse(at + ".litellm_params.model", "provider '" + prefixName + "' (of '" + model + "') is not "
                        + "supported: Tollgate speaks to OpenAI and OpenAI-compatible servers (openai/, hosted_vllm/, "
                        + "ollama/, lm_studio/, openrouter/, groq/, mistral/, deepseek/, together_ai/, fireworks_ai/, "
                        + "xai/), azure/ and anthropic/"
                        + (prefixName.equals("vllm") ? "; a vLLM server is hosted_vllm/" : ""));
                return null;
            }
        }
        if (upstream.isBlank()) {
            refuse(at + ".litellm_params.model", "'" + model + "' names no model or deployment after the prefix");
            return null;
        }
        String baseField = params.containsKey("api_base") ? "api_base" : "base_url";
        String base = text(params.get(baseField));
        if (base != null && base.startsWith(ENV)) {
            String variable = base.substring(ENV.length());
            String value = env.apply(variable);
            if (value == null || value.isBlank()) {
                refuse(at + ".litellm_params." + baseField, "reads the environment variable " + variable
                        + ", which is not set; Tollgate needs the URL at start");
                return null;
            }
            base = value;
        }
        if (base == null || base.isBlank()) {
            base = prefix.defaultBase();
            if (base == null) {
                refuse(at + ".litellm_params.api_base", "required for '" + prefixName + "/' models");
                return null;
            }
        }
        if (prefixName.startsWith("ollama")) {
            String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
            base = trimmed.endsWith("/v1") ? trimmed : trimmed + "/v1";
            warn(at + ".litellm_params.model", "Ollama is served through its OpenAI-compatible API at " + base);
        }
        String apiKeyEnv = null;
        Object key = params.get("api_key");
        if (key != null) {
            String value = String.valueOf(key);
            if (value.startsWith(ENV)) {
                apiKeyEnv = value.substring(ENV.length());
            } else {
                warn(at + ".litellm_params.api_key", "holds a key in the file, which Tollgate does not use (nor log): "
                        + "upstream keys come from environment variables only. Put it in one and write "
                        + "api_key: os.environ/NAME. Until then requests go without a key");
            }
        }
        String apiVersion = text(params.get("api_version"));
        if (prefix.provider().equals("azure") && apiVersion == null) {
            warn(at + ".litellm_params.api_version", "not set: Tollgate uses Azure's api-version 2024-10-21");
        }
        Integer rpm = positive(at, "rpm", params.containsKey("rpm") ? params.get("rpm") : entry.get("rpm"),
                "imported without a requests-per-minute limit");
        Integer tpm = positive(at, "tpm", params.containsKey("tpm") ? params.get("tpm") : entry.get("tpm"),
                "imported without a tokens-per-minute limit");
        Integer weight = positive(at, "weight", params.get("weight"), "imported with weight 1");
        Duration timeout = params.get("timeout") != null
                ? seconds(at + ".litellm_params.timeout", params.get("timeout")) : requestTimeout;
        if (params.get("stream_timeout") != null) {
            warn(at + ".litellm_params.stream_timeout", "not used: a Tollgate deployment has one timeout (for a "
                    + "stream: between two chunks), taken from timeout (or litellm_settings.request_timeout), "
                    + "else tollgate.edge.upstream-timeout");
        }
        for (Object field : params.keySet()) {
            if (!PARAMS.contains(String.valueOf(field))) {
                warn(at + ".litellm_params." + field, "not used by Tollgate");
            }
        }
        Long maxOutput = info.containsKey("max_output_tokens") ? longValue(at + ".model_info.max_output_tokens",
                info.get("max_output_tokens")) : info.containsKey("max_tokens")
                ? longValue(at + ".model_info.max_tokens", info.get("max_tokens")) : null;
        BigDecimal input = perMillion(at, "input_cost_per_token", params, info);
        BigDecimal output = perMillion(at, "output_cost_per_token", params, info);
        BigDecimal cached = perMillion(at, "cache_read_input_token_cost", params, info);
        if ((input == null) != (output == null)) {
            warn(at, "has an input or an output cost but not both: imported without prices (refused with "
                    + "model_not_priced until PUT /admin/prices publishes them)");
            input = null;
            output = null;
            cached = null;
        }
        for (String perSecond : List.of("input_cost_per_second", "output_cost_per_second")) {
            if (params.containsKey(perSecond) || info.containsKey(perSecond)) {
                warn(at + "." + perSecond, "Tollgate prices tokens, not seconds: not imported");
            }
        }
        // Deployment names are unique in Tollgate (usage is kept by name): the public name qualifies the entry, and
        // a second entry with the same name (the same model string twice, or a repeated id) gets #2, #3...
        String deploymentName = text(info.get("id")) != null ? "litellm-" + text(info.get("id"))
                : modelName + "@" + model;
        String unique = deploymentName;
        for (int n = 2; !takenNames.add(unique); n++) {
            unique = deploymentName + "#" + n;
        }
        return new Deployment(i, modelName, unique, prefix.provider(), base, upstream, apiKeyEnv, apiVersion,
                rpm, tpm, weight, timeout, maxOutput, input, cached, output,
                info.containsKey("max_input_tokens")
                        ? longValue(at + ".model_info.max_input_tokens", info.get("max_input_tokens")) : null);
    }

    /**
     * The Tollgate model served by the entries of one {@code model_name}, each a deployment; its prices and output
     * cap are the first entry's, its routing the file's router settings.
     */
    static TollgateProperties.Model toModel(List<Deployment> group, RouterSettings router) {
        Deployment first = group.get(0);
        // what a tollgate.models entry gets for what the file does not say
        TollgateProperties.Model unset = TollgateProperties.defaults(TollgateProperties.Model.class);
        TollgateProperties.Deployment unsetDeployment = unset.deployment();
        List<TollgateProperties.Deployment> deployments = new ArrayList<>();
        for (Deployment d : group) {
            deployments.add(new TollgateProperties.Deployment(d.deploymentName(), d.provider(), d.baseUrl(),
                    d.apiKeyEnv(), d.upstreamModel(), unsetDeployment.mockLatency(),
                    d.rpm() == null ? null : d.rpm().longValue(), d.tpm() == null ? null : d.tpm().longValue(),
                    d.weight() != null ? d.weight() : unsetDeployment.weight(), unsetDeployment.region(),
                    unsetDeployment.tags(), d.timeout(), d.apiVersion(), unsetDeployment.azureDeployment(),
                    unsetDeployment.outputLimitField()));
        }
        TollgateProperties.Prices prices = new TollgateProperties.Prices(first.inputPerMillion(),
                first.cachedInputPerMillion(), first.outputPerMillion(), null, null, null, Map.of(), false);
        // LiteLLM counts allowed_fails per minute
        TollgateProperties.CooldownOverrides cooldown = new TollgateProperties.CooldownOverrides(router.allowedFails(),
                router.allowedFails() != null ? Duration.ofMinutes(1) : null, router.cooldownTime());
        TollgateProperties.RoutingOverrides routing = new TollgateProperties.RoutingOverrides(router.strategy(),
                router.numRetries(), null, null, null, cooldown, router.fallbacks().get(first.modelName()),
                router.contextWindowFallbacks().get(first.modelName()));
        // LiteLLM's max_input_tokens is Tollgate's context window: longer prompts go to context-window fallbacks.
        // Without it, the catalog gives OpenAI's known families their window, as for a model of tollgate.models.
        // LiteLLM has no setting for what one image counts (it computes it per request), nor for a model that does
        // not stream its reasoning: OpenAI's known families get their values, the others Tollgate's defaults.
        long maxImageTokens = TollgateProperties.Model.DEFAULT_MAX_IMAGE_TOKENS;
        boolean hiddenReasoning = Boolean.TRUE.equals(unset.hiddenReasoning());
        for (Deployment d : group) {
            maxImageTokens = Math.max(maxImageTokens,
                    OpenAiModelFamilies.maxImageTokens(d.upstreamModel()).orElse(maxImageTokens));
            hiddenReasoning |= OpenAiModelFamilies.servesOpenAiModels(d.provider())
                    && OpenAiModelFamilies.hidesReasoning(d.upstreamModel());
        }
        return new TollgateProperties.Model(first.modelName(),
                first.maxOutputTokens() != null ? first.maxOutputTokens() : unset.maxOutputTokens(),
                first.maxInputTokens(), maxImageTokens, hiddenReasoning, unset.kind(), prices,
                unsetDeployment, deployments, routing);
    }

    // ------------------------------------------------------------------ router settings

    private RouterSettings router(Map<String, Object> config, Set<String> imported) {
        Map<?, ?> router = config.get("router_settings") instanceof Map<?, ?> r ? r : Map.of();
        Map<?, ?> settings = config.get("litellm_settings") instanceof Map<?, ?> s ? s : Map.of();
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (ROUTER_KEYS.contains(String.valueOf(k))) {
                merged.put(String.valueOf(k), v);
                origin.put(String.valueOf(k), "litellm_settings." + k);
            }
        });
        router.forEach((k, v) -> { // router_settings wins
            merged.put(String.valueOf(k), v);
            origin.put(String.valueOf(k), "router_settings." + k);
        });
        for (Object key : router.keySet()) {
            if (!ROUTER_KEYS.contains(String.valueOf(key))) {
                warn("router_settings." + key, "not used by Tollgate");
            }
        }
        String strategyName = text(merged.get("routing_strategy"));
        TollgateProperties.Strategy strategy = null;
        if (strategyName != null) {
            strategy = STRATEGIES.get(strategyName);
            if (strategy == null) {
                warn(origin.get("routing_strategy"), "'" + strategyName + "' has no Tollgate counterpart "
                        + "(simple-shuffle, least-busy, usage-based-routing[-v2] and latency-based-routing have): the "
                        + "imported models keep the default strategy (tollgate.routing.strategy)");
            }
        }
        Integer retries = integer(origin.get("num_retries"), merged.get("num_retries"));
        if (retries != null && retries < 0) {
            warn(origin.get("num_retries"), "negative: not applied");
            retries = null;
        }
        Integer allowedFails = integer(origin.get("allowed_fails"), merged.get("allowed_fails"));
        if (allowedFails != null && allowedFails < 1) {
            warn(origin.get("allowed_fails"), "Tollgate puts a deployment in cooldown after at least 1 failure: not "
                    + "applied, the imported models keep tollgate.routing.cooldown.allowed-fails");
            allowedFails = null;
        }
        Duration cooldown = merged.get("cooldown_time") == null ? null
                : seconds(origin.get("cooldown_time"), merged.get("cooldown_time"));
        Map<String, List<String>> fallbacks = fallbacks(origin.get("fallbacks"), merged.get("fallbacks"), imported);
        Map<String, List<String>> contextFallbacks = fallbacks(origin.get("context_window_fallbacks"),
                merged.get("context_window_fallbacks"), imported);
        return new RouterSettings(strategyName, strategy, retries, fallbacks, contextFallbacks, allowedFails, cooldown);
    }

    /**
     * LiteLLM writes fallbacks as a list of one-key maps: {@code [{"gpt-4": ["gpt-3.5-turbo"]}]}. Kept by imported
     * model; a target that is neither imported nor configured is dropped, naming it.
     */
    private Map<String, List<String>> fallbacks(String field, Object raw, Set<String> imported) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof List<?> list)) {
            warn(field, "not a list of {model: [fallbacks]}: not applied");
            return out;
        }
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> map)) {
                warn(field, "'" + item + "' is not a {model: [fallbacks]} mapping: not applied");
                continue;
            }
            map.forEach((fromRaw, to) -> {
                String from = String.valueOf(fromRaw);
                List<String> targets = to instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                        : to == null ? List.of() : List.of(String.valueOf(to));
                if (!imported.contains(from)) {
                    warn(field, "'" + from + "' is not a model imported from this file"
                            + (configuredModels.contains(from) ? " (it is configured in tollgate.models: set its "
                            + "routing there)" : "") + ": its fallbacks " + targets + " are not applied");
                    return;
                }
                List<String> kept = new ArrayList<>();
                for (String target : targets) {
                    if (imported.contains(target) || configuredModels.contains(target)) {
                        kept.add(target);
                    } else {
                        Finding dropped = new Finding(Level.WARNING, field, "'" + from + "' falls back to '" + target
                                + "', which is neither imported from this file nor configured: that fallback is "
                                + "dropped");
                        findings.add(dropped);
                        droppedFallbacks.add(dropped);
                    }
                }
                out.merge(from, kept, (a, b) -> {
                    List<String> both = new ArrayList<>(a);
                    both.addAll(b);
                    return both;
                });
            });
        }
        return out;
    }

    // ------------------------------------------------------------------ values

    /** A per-token cost (litellm_params first, then model_info) as a price per million tokens, exactly. */
    private BigDecimal perMillion(String at, String field, Map<?, ?> params, Map<?, ?> info) {
        Object raw = params.containsKey(field) ? params.get(field) : info.get(field);
        if (raw == null) {
            return null;
        }
        String where = at + (params.containsKey(field) ? ".litellm_params." : ".model_info.") + field;
        try {
            BigDecimal perToken = new BigDecimal(String.valueOf(raw).trim().replace("_", ""));
            if (perToken.signum() < 0) {
                warn(where, "negative: not imported");
                return null;
            }
            BigDecimal perMillion = perToken.multiply(MILLION).stripTrailingZeros();
            return perMillion.scale() < 0 ? perMillion.setScale(0) : perMillion;
        } catch (NumberFormatException e) {
            warn(where, "not a number: not imported");
            return null;
        }
    }

    private Integer integer(String where, Object raw) {
        Long value = raw == null ? null : longValue(where, raw);
        if (value != null && (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE)) {
            warn(where, "too large: not imported");
            return null;
        }
        return value == null ? null : value.intValue();
    }

    /** An rpm, tpm or weight: a whole number of at least 1, else warned and left out. */
    private Integer positive(String at, String field, Object raw, String otherwise) {
        Integer value = integer(at + "." + field, raw);
        if (value != null && value < 1) {
            warn(at + "." + field, "must be at least 1: " + otherwise);
            return null;
        }
        return value;
    }

    /** A positive number of seconds (LiteLLM's timeouts and cooldown_time), exactly to the millisecond. */
    private Duration seconds(String where, Object raw) {
        try {
            BigDecimal seconds = new BigDecimal(String.valueOf(raw).trim().replace("_", ""));
            long millis = seconds.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING)
                    .longValueExact();
            if (millis < 1) {
                warn(where, "must be a positive number of seconds: not imported");
                return null;
            }
            return Duration.ofMillis(millis);
        } catch (ArithmeticException | NumberFormatException e) {
            warn(where, "not a number of seconds: not imported");
            return null;
        }
    }

    private Long longValue(String where, Object raw) {
        try {
            return new BigDecimal(String.valueOf(raw).trim().replace("_", "")).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            warn(where, "not a whole number: not imported");
            return null;
        }
    }

    private void mapEach(Object section, String name, Function<String, String> reason) {
        if (!(section instanceof Map<?, ?> map)) {
            return;
        }
        Set<String> unused = new LinkedHashSet<>();
        for (Object key : map.keySet()) {
            String why = reason.apply(String.valueOf(key));
            if (why != null && why.equals("not used by Tollgate")) {
                unused.add(String.valueOf(key));
            } else if (why != null) {
                warn(name + "." + key, why);
            }
        }
        if (!unused.isEmpty()) {
            warn(name, "not used by Tollgate: " + String.join(", ", unused));
        }
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private void warn(String field, String message) {
        findings.add(new Finding(Level.WARNING, field, message));
    }

    private void refuse(String field, String message) {
        findings.add(new Finding(Level.REFUSED, field, message));
    }
}
