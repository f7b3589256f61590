package dev.tollgate.edge.catalog;

import dev.tollgate.api.InvalidValue;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.edge.config.OpenAiModelFamilies;
import dev.tollgate.edge.config.TollgateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The models of the configuration file (and of any {@link ModelSource}, such as the LiteLLM import), checked at
 * start. Prices live in the versioned price book; the file's
 * prices are published into it at start, and a model may also be priced through the API only. A model without a
 * price in force is refused when requested, with a clear error: never a silent zero.
 */
@Component
public class ModelCatalog {

    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    /** The providers this version knows. */
    static final List<String> PROVIDERS = List.of("openai", "azure", "anthropic", "mock");

    private final Map<String, CatalogModel> models = new LinkedHashMap<>();
    private final Map<String, ModelKind> kinds = new LinkedHashMap<>();

    /** The models of {@code tollgate.models}, then those of each source. */
    public ModelCatalog(TollgateProperties properties, List<ModelSource> sources) {
        List<TollgateProperties.Model> served = new java.util.ArrayList<>(properties.models());
        sources.forEach(source -> served.addAll(source.models()));
        Map<String, String> deploymentOwners = new LinkedHashMap<>();
        for (TollgateProperties.Model model : served) {
            CatalogModel entry = toCatalogModel(model, properties.routing());
            if (models.putIfAbsent(entry.name(), entry) != null) {
                throw new IllegalStateException("Model '" + entry.name() + "' is configured twice.");
            }
            for (CatalogModel deployment : entry.deployments()) {
                String owner = deploymentOwners.putIfAbsent(deployment.deploymentName(), entry.name());
                if (owner != null) {
                    throw new IllegalStateException("Model '" + entry.name() + "': the deployment name '"
                            + deployment.deploymentName() + "' is already used by model '" + owner + "'. Deployment "
                            + "names are unique: their usage (rpm, tpm, cooldowns) is kept by name.");
                }
            }
            kinds.put(entry.name(), ModelKind.parse(entry.name(), model.kind()));
            if (entry.configuredPrice() == null) {
                log.warn("Model '{}' has no prices in the configuration: it is refused until a price is published "
                        + "(PUT /admin/prices)", entry.name());
            }
        }
        checkFallbacks();
    }

    /** Checks that every fallback names another configured model. */
    private void checkFallbacks() {
        for (CatalogModel model : models.values()) {
            for (String fallback : concat(model.routing().fallbacks(), model.routing().contextWindowFallbacks())) {
                if (!fallback.equals(model.name()) && !models.containsKey(fallback)) {
                    throw new IllegalStateException("Model '" + model.name() + "' falls back to '" + fallback
                            + "', which is not a configured model.");
                }
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    public Optional<CatalogModel> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** What the model does (its {@code kind}): the routes it serves. */
    public ModelKind kind(CatalogModel model) {
        return kinds.getOrDefault(model.name(), ModelKind.CHAT);
    }

    public Collection<CatalogModel> all() {
        return models.values();
    }

    /** The prices the configuration file gives, by model. */
    public Map<String, ModelPrice> configuredPrices() {
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        models.values().stream().filter(m -> m.configuredPrice() != null)
                .forEach(m -> prices.put(m.name(), m.configuredPrice()));
        return prices;
    }

    private static CatalogModel toCatalogModel(TollgateProperties.Model model, TollgateProperties.Routing defaults) {
        if (model.name() == null || model.name().isBlank()) {
            throw new IllegalStateException("Every model in tollgate.models needs a name.");
        }
        if (model.maxOutputTokens() < 1) {
            throw new IllegalStateException("Model '" + model.name() + "': max-output-tokens must be positive.");
        }
        if (model.maxImageTokens() != null && model.maxImageTokens() < 1) {
            throw new IllegalStateException("Model '" + model.name() + "': max-image-tokens must be positive.");
        }
        if (model.contextWindow() != null && model.contextWindow() < 1) {
            throw new IllegalStateException("Model '" + model.name() + "': context-window must be positive.");
        }
        ModelRouting routing = ModelRouting.of(model.routing(), defaults);
        routing = new ModelRouting(routing.strategy(), routing.numRetries(), routing.retryBackoff(),
                routing.maxRetryBackoff(), routing.maxRetryWait(), routing.allowedFails(), routing.failWindow(),
                routing.cooldown(), withoutSelf(routing.fallbacks(), model.name()),
                withoutSelf(routing.contextWindowFallbacks(), model.name()));
        if (routing.numRetries() != null && routing.numRetries() < 0) {
            throw new IllegalStateException("Model '" + model.name() + "': routing.num-retries cannot be negative.");
        }
        if (routing.allowedFails() < 1) {
            throw new IllegalStateException("Model '" + model.name() + "': routing.cooldown.allowed-fails must be "
                    + "at least 1.");
        }
        boolean listed = !model.deployments().isEmpty();
        List<TollgateProperties.Deployment> configured = listed ? model.deployments()
                : List.of(model.deployment());
        if (listed && (model.deployment().baseUrl() != null || model.deployment().name() != null
                || model.deployment().upstreamModel() != null)) {
            throw new IllegalStateException("Model '" + model.name() + "' has both deployment and deployments: "
                    + "list every deployment under deployments.");
        }
        ModelPrice price = price(model);
        boolean hiddenReasoning = hiddenReasoning(model, configured);
        Long contextWindow = contextWindow(model, configured);
        long maxImageTokens = maxImageTokens(model, configured);
        List<CatalogModel> deployments = new java.util.ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            TollgateProperties.Deployment deployment = configured.get(i);
            String provider = deployment.provider() == null ? "openai" : deployment.provider();
            String where = configured.size() == 1 ? "deployment" : "deployments[" + i + "]";
            if (!PROVIDERS.contains(provider)) {
                throw new IllegalStateException("Model '" + model.name() + "': unknown provider '" + provider
                        + "' (one of " + PROVIDERS + ").");
            }
            if (!provider.equals("mock") && (deployment.baseUrl() == null || deployment.baseUrl().isBlank())) {
                throw new IllegalStateException("Model '" + model.name() + "': " + where + ".base-url is required "
                        + "for provider '" + provider + "'.");
            }
            if (deployment.weight() < 1) {
                throw new IllegalStateException("Model '" + model.name() + "': " + where + ".weight must be at "
                        + "least 1.");
            }
            if ((deployment.rpm() != null && deployment.rpm() < 1)
                    || (deployment.tpm() != null && deployment.tpm() < 1)) {
                throw new IllegalStateException("Model '" + model.name() + "': " + where + ".rpm and tpm must be "
                        + "positive (leave them out for no limit).");
            }
            String name = deployment.name() != null ? deployment.name()
                    : configured.size() == 1 ? model.name() : model.name() + "-" + (i + 1);
            deployments.add(new CatalogModel(model.name(), model.maxOutputTokens(), price, provider, name,
                    deployment.upstreamModel() == null ? model.name() : deployment.upstreamModel(),
                    deployment, List.of(), contextWindow, routing, maxImageTokens, hiddenReasoning));
        }
        CatalogModel first = deployments.get(0);
        return new CatalogModel(model.name(), model.maxOutputTokens(), price, first.provider(),
                first.deploymentName(), first.upstreamModel(), first.deployment(), List.copyOf(deployments),
                contextWindow, routing, maxImageTokens, hiddenReasoning);
    }

    /**
     * What one image counts for at most on the model: as the operator says, else the largest of what OpenAI's known
     * families among its deployments count ({@link OpenAiModelFamilies#maxImageTokens}: gpt-4o-mini's 48,169), and
     * at least {@link TollgateProperties.Model#DEFAULT_MAX_IMAGE_TOKENS}. A value below what the answering model
     * counts lets a request cost more than was reserved; one above it only holds budget until the settlement.
     */
    private static long maxImageTokens(TollgateProperties.Model model,
                                       List<TollgateProperties.Deployment> configured) {
        if (model.maxImageTokens() != null) {
            return model.maxImageTokens();
        }
        long largest = TollgateProperties.Model.DEFAULT_MAX_IMAGE_TOKENS;
        for (TollgateProperties.Deployment deployment : configured) {
            String upstream = deployment.upstreamModel() == null ? model.name() : deployment.upstreamModel();
            largest = Math.max(largest, OpenAiModelFamilies.maxImageTokens(upstream).orElse(largest));
        }
        return largest;
    }

    /**
     * Whether the model reasons without streaming its reasoning: as the operator says, else whether a deployment
     * serves one of OpenAI's reasoning models under its OpenAI name (o3, gpt-5... at an {@code openai} or
     * {@code azure} deployment), the same rule as the LiteLLM import's and as the output-limit field's default.
     */
    private static boolean hiddenReasoning(TollgateProperties.Model model,
                                           List<TollgateProperties.Deployment> configured) {
        if (model.hiddenReasoning() != null) {
            return model.hiddenReasoning();
        }
        for (TollgateProperties.Deployment deployment : configured) {
            String provider = deployment.provider() == null ? "openai" : deployment.provider();
            String upstream = deployment.upstreamModel() == null ? model.name() : deployment.upstreamModel();
            if (OpenAiModelFamilies.servesOpenAiModels(provider) && OpenAiModelFamilies.hidesReasoning(upstream)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The model's context window: as the operator says, else, when every deployment serves one of OpenAI's models
     * under an OpenAI name whose window is known ({@link OpenAiModelFamilies#contextWindow(String, String)}), the
     * largest of their windows; else none.
     * <p>
     * The window is an upper bound twice over: a prompt at least as long goes to the context-window fallbacks (or is
     * refused), and input Tollgate cannot see is reserved at it, the most text input one call of the model bills.
     * The largest of the deployments' windows keeps both true whichever deployment answers: a smaller one would send
     * prompts the larger deployments read to the fallbacks, and reserve less than they can bill. One deployment whose
     * window is not known (another provider, a name not in the table) may read, and bill, more than any known one,
     * so then the model has no default, as before: any prompt goes to it, and unseen input is refused until an
     * operator sets context-window.
     */
    private static Long contextWindow(TollgateProperties.Model model,
                                      List<TollgateProperties.Deployment> configured) {
        if (model.contextWindow() != null) {
            return model.contextWindow();
        }
        long largest = 0;
        for (TollgateProperties.Deployment deployment : configured) {
            String provider = deployment.provider() == null ? "openai" : deployment.provider();
            String upstream = deployment.upstreamModel() == null ? model.name() : deployment.upstreamModel();
            OptionalLong known = OpenAiModelFamilies.contextWindow(provider, upstream);
            if (known.isEmpty()) {
                return null;
            }
            largest = Math.max(largest, known.getAsLong());
        }
        return largest;
    }

    private static List<String> withoutSelf(List<String> models, String self) {
        return models.stream().filter(m -> !m.equals(self)).distinct().toList();
    }

    /** The file's prices as a price book entry; {@code null} when it gives none. */
    static ModelPrice price(TollgateProperties.Model model) {
        TollgateProperties.Prices p = model.prices();
        boolean anyPrice = p.input() != null || p.output() != null || p.cachedInput() != null
                || p.reasoning() != null || p.perImage() != null || p.perRequest() != null
                || !p.imagePrices().isEmpty();
        if (p.free()) {
            if (anyPrice) {
                throw new IllegalStateException("Model '" + model.name() + "' is declared free but also has "
                        + "prices: remove the prices or prices.free.");
            }
            return ModelPrice.FREE;
        }
        if (!anyPrice) {
            return null;
        }
        if (p.input() == null || p.output() == null) {
            throw new IllegalStateException("Model '" + model.name() + "' has no input or output price. "
                    + "Set prices.input and prices.output (per million tokens), or prices.free: true if it costs "
                    + "nothing: Tollgate never prices a model at zero by accident.");
        }
        return new ModelPrice(new TokenPrice(p.input()), tokens(p.cachedInput()), new TokenPrice(p.output()),
                tokens(p.reasoning()), money(p.perImage()), money(p.perRequest()), false,
                configuredImagePrices(model.name(), p.imagePrices()));
    }

    private static Map<String, Money> configuredImagePrices(String model, Map<String, BigDecimal> configured) {
        try {
            return imagePrices(configured);
        } catch (InvalidValue e) {
            throw new IllegalStateException("Model '" + model + "': " + e.getMessage() + ".");
        }
    }

    private static final java.util.regex.Pattern IMAGE_VARIANT =
            java.util.regex.Pattern.compile("(\\d+x\\d+|auto)/?([a-z]*)");

    /**
     * The table of generated-image prices, keyed {@code size/quality} or {@code size}. Spring drops a {@code /} from
     * a map key that is not written in brackets ({@code "[1024x1024/hd]"}), so {@code 1024x1024hd} is read as
     * {@code 1024x1024/hd} too: a size is digits, x and digits (or {@code auto}), a quality is letters.
     */
    public static Map<String, Money> imagePrices(Map<String, BigDecimal> configured) {
        Map<String, Money> prices = new LinkedHashMap<>();
        configured.forEach((key, amount) -> {
            java.util.regex.Matcher variant = IMAGE_VARIANT.matcher(key.trim().toLowerCase(java.util.Locale.ROOT));
            if (!variant.matches()) {
                throw new InvalidValue("image price '" + key + "' is not a size (1024x1024) or size/quality "
                        + "(1024x1024/hd)");
            }
            if (amount == null || amount.signum() < 0) {
                throw new InvalidValue("image price '" + key + "' must be zero or more");
            }
            prices.put(variant.group(2).isEmpty() ? variant.group(1) : variant.group(1) + "/" + variant.group(2),
                    Money.of(amount));
        });
        return prices;
    }

    private static TokenPrice tokens(BigDecimal perMillion) {
        return perMillion == null ? null : new TokenPrice(perMillion);
    }

    private static Money money(BigDecimal amount) {
        return amount == null ? null : Money.of(amount);
    }
}
