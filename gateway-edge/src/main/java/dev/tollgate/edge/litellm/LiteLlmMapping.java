package dev.tollgate.edge.litellm;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.litellm.LiteLlmImport.Deployment;
import dev.tollgate.edge.litellm.LiteLlmImport.Finding;
import dev.tollgate.edge.litellm.LiteLlmImport.Level;
import dev.tollgate.edge.litellm.LiteLlmImport.RouterSettings;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one place where a LiteLLM proxy config becomes Tollgate models (docs/litellm-migration.md). Each
 * {@code model_list} entry is a deployment of its {@code model_name}; until the gateway routes between several
 * deployments of one model, the first usable entry of each name serves it and the others are kept in
 * {@link LiteLlmImport#deployments()} with a warning. Anything that cannot be honoured is named in a finding:
 * {@link Level#REFUSED} leaves the entry out, {@link Level#WARNING} imports it without that field. Secrets never
 * appear in findings.
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
            "tpm", "weight", "input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost");

    /** LiteLLM routing strategies and the strategy of Tollgate's routing that does the same. */
    private static final Map<String, String> STRATEGIES = Map.of(
            "simple-shuffle", "weighted-shuffle",
            "least-busy", "least-busy",
            "usage-based-routing", "usage-based",
            "usage-based-routing-v2", "usage-based",
            "latency-based-routing", "lowest-latency");

    private static final Set<String> ROUTER_KEYS = Set.of("routing_strategy", "num_retries", "fallbacks",
            "context_window_fallbacks", "allowed_fails", "cooldown_time");

    private final Function<String, String> env;
    private final List<Finding> findings = new ArrayList<>();

    private LiteLlmMapping(Function<String, String> env) {
        this.env = env;
    }

    /** Maps a parsed config; {@code env} looks up environment variables (for {@code os.environ/} api_base). */
    public static LiteLlmImport map(Map<String, Object> config, Function<String, String> env) {
        return new LiteLlmMapping(env).run(config);
    }

    private LiteLlmImport run(Map<String, Object> config) {
        Object list = config.get("model_list");
        if (!(list instanceof List<?> entries) || entries.isEmpty()) {
            throw new IllegalStateException("The LiteLLM config has no model_list: nothing to import.");
        }
        List<Deployment> deployments = new ArrayList<>();
        Map<String, Deployment> first = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Deployment deployment = entry(i, entries.get(i));
            if (deployment == null) {
                continue;
            }
            Deployment serving = first.get(deployment.modelName());
            if (serving == null) {
                first.put(deployment.modelName(), deployment);
                deployments.add(deployment);
            } else {
                warn("model_list[" + i + "]", "a further deployment of '" + deployment.modelName() + "' (the first is "
                        + "model_list[" + serving.index() + "]): several deployments of one model are read, but until "
                        + "routing lands only the first serves it");
                deployments.add(withUsed(deployment, false));
            }
        }
        RouterSettings router = router(config);
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
        List<TollgateProperties.Model> models = first.values().stream().map(LiteLlmMapping::toModel).toList();
        return new LiteLlmImport(models, deployments, router, List.copyOf(findings));
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
        Integer rpm = integer(at, "rpm", params.containsKey("rpm") ? params.get("rpm") : entry.get("rpm"));
        Integer tpm = integer(at, "tpm", params.containsKey("tpm") ? params.get("tpm") : entry.get("tpm"));
        Integer weight = integer(at, "weight", params.get("weight"));
        if (rpm != null || tpm != null || weight != null) {
            warn(at + ".litellm_params", "rpm/tpm/weight are read but not enforced by this version: a model is "
                    + "served by one deployment until routing lands");
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
        // Deployment names are unique in Tollgate (usage is kept by name): the public name qualifies the entry.
        String deploymentName = text(info.get("id")) != null ? "litellm-" + text(info.get("id"))
                : modelName + "@" + model;
        return new Deployment(i, modelName, deploymentName, prefix.provider(), base, upstream, apiKeyEnv, apiVersion,
                rpm, tpm, weight, maxOutput, input, cached, output, true);
    }

    private static Deployment withUsed(Deployment d, boolean used) {
        return new Deployment(d.index(), d.modelName(), d.deploymentName(), d.provider(), d.baseUrl(),
                d.upstreamModel(), d.apiKeyEnv(), d.apiVersion(), d.rpm(), d.tpm(), d.weight(), d.maxOutputTokens(),
                d.inputPerMillion(), d.cachedInputPerMillion(), d.outputPerMillion(), used);
    }

    /** The Tollgate model a deployment serves (what routing will extend to several deployments). */
    static TollgateProperties.Model toModel(Deployment d) {
        TollgateProperties.Model model = new TollgateProperties.Model();
        model.setName(d.modelName());
        if (d.maxOutputTokens() != null) {
            model.setMaxOutputTokens(d.maxOutputTokens());
        }
        model.getPrices().setInput(d.inputPerMillion());
        model.getPrices().setOutput(d.outputPerMillion());
        model.getPrices().setCachedInput(d.cachedInputPerMillion());
        TollgateProperties.Deployment deployment = model.getDeployment();
        deployment.setProvider(d.provider());
        deployment.setName(d.deploymentName());
        deployment.setBaseUrl(d.baseUrl());
        deployment.setUpstreamModel(d.upstreamModel());
        deployment.setApiKeyEnv(d.apiKeyEnv());
        deployment.setApiVersion(d.apiVersion());
        return model;
    }

    // ------------------------------------------------------------------ router settings

    private RouterSettings router(Map<String, Object> config) {
        Map<?, ?> router = config.get("router_settings") instanceof Map<?, ?> r ? r : Map.of();
        Map<?, ?> settings = config.get("litellm_settings") instanceof Map<?, ?> s ? s : Map.of();
        Map<String, Object> merged = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (ROUTER_KEYS.contains(String.valueOf(k))) {
                merged.put(String.valueOf(k), v);
            }
        });
        router.forEach((k, v) -> merged.put(String.valueOf(k), v)); // router_settings wins
        for (Object key : router.keySet()) {
            if (!ROUTER_KEYS.contains(String.valueOf(key))) {
                warn("router_settings." + key, "not used by Tollgate");
            }
        }
        String strategyName = text(merged.get("routing_strategy"));
        String strategy = null;
        if (strategyName != null) {
            strategy = STRATEGIES.get(strategyName);
            if (strategy == null) {
                warn("router_settings.routing_strategy", "'" + strategyName + "' has no Tollgate counterpart "
                        + "(simple-shuffle, least-busy, usage-based-routing[-v2], latency-based-routing have)");
            }
        }
        Integer retries = integer("router_settings", "num_retries", merged.get("num_retries"));
        Map<String, List<String>> fallbacks = fallbacks("fallbacks", merged.get("fallbacks"));
        Map<String, List<String>> contextFallbacks = fallbacks("context_window_fallbacks",
                merged.get("context_window_fallbacks"));
        Integer allowedFails = integer("router_settings", "allowed_fails", merged.get("allowed_fails"));
        String cooldown = text(merged.get("cooldown_time"));
        if (!merged.isEmpty()) {
            warn("router_settings", "read (" + String.join(", ", merged.keySet()) + ") but not applied by this "
                    + "version: retries, fallbacks and routing strategies come with routing");
        }
        return new RouterSettings(strategyName, strategy, retries, fallbacks, contextFallbacks, allowedFails, cooldown);
    }

    /** LiteLLM writes fallbacks as a list of one-key maps: {@code [{"gpt-4": ["gpt-3.5-turbo"]}]}. */
    private Map<String, List<String>> fallbacks(String field, Object raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof List<?> list)) {
            warn("router_settings." + field, "not a list of {model: [fallbacks]}: not read");
            return out;
        }
        for (Object item : list) {
            if (item instanceof Map<?, ?> map) {
                map.forEach((from, to) -> out.put(String.valueOf(from), to instanceof List<?> targets
                        ? targets.stream().map(String::valueOf).toList() : List.of(String.valueOf(to))));
            }
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

    private Integer integer(String at, String field, Object raw) {
        Long value = raw == null ? null : longValue(at + "." + field, raw);
        return value == null ? null : Math.toIntExact(value);
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
