package dev.tollgate.edge.catalog;

import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Bytes;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models of the configuration file, checked at start: a model without prices is refused unless the operator
 * declared it free, so that no request is ever silently priced at zero.
 * <p>
 * The price version recorded with each settlement is a fingerprint of all configured prices: change a price in
 * the file and new settlements carry a new version.
 */
@Component
public class ModelCatalog {

    /** The providers this version knows. */
    static final List<String> PROVIDERS = List.of("openai", "mock");

    private final Map<String, CatalogModel> models = new LinkedHashMap<>();
    private final String priceVersion;

    public ModelCatalog(TollgateProperties properties) {
        StringBuilder fingerprint = new StringBuilder();
        for (TollgateProperties.Model model : properties.getModels()) {
            CatalogModel entry = toCatalogModel(model);
            if (models.putIfAbsent(entry.name(), entry) != null) {
                throw new IllegalStateException("Model '" + entry.name() + "' is configured twice.");
            }
            fingerprint.append(entry.name()).append('|').append(entry.prices().input()).append('|')
                    .append(entry.prices().cachedInput()).append('|').append(entry.prices().output()).append('\n');
        }
        this.priceVersion = "cfg-" + Bytes.sha256Hex(fingerprint.toString()).substring(0, 12);
    }

    public Optional<CatalogModel> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public Collection<CatalogModel> all() {
        return models.values();
    }

    public String priceVersion() {
        return priceVersion;
    }

    private static CatalogModel toCatalogModel(TollgateProperties.Model model) {
        if (model.getName() == null || model.getName().isBlank()) {
            throw new IllegalStateException("Every model in tollgate.models needs a name.");
        }
        TollgateProperties.Prices prices = model.getPrices();
        if (!prices.isFree() && (prices.getInput() == null || prices.getOutput() == null)) {
            throw new IllegalStateException("Model '" + model.getName() + "' has no input or output price. "
                    + "Set prices.input and prices.output (per million tokens), or prices.free: true if it costs "
                    + "nothing: Tollgate never prices a model at zero by accident.");
        }
        if (prices.isFree() && (prices.getInput() != null || prices.getOutput() != null
                || prices.getCachedInput() != null)) {
            throw new IllegalStateException("Model '" + model.getName() + "' is declared free but also has prices: "
                    + "remove the prices or prices.free.");
        }
        TokenPrice input = price(prices.isFree(), prices.getInput());
        TokenPrice output = price(prices.isFree(), prices.getOutput());
        TokenPrice cached = prices.getCachedInput() == null ? input : price(prices.isFree(), prices.getCachedInput());
        if (model.getMaxOutputTokens() < 1) {
            throw new IllegalStateException("Model '" + model.getName() + "': max-output-tokens must be positive.");
        }
        TollgateProperties.Deployment deployment = model.getDeployment();
        String provider = deployment.getProvider() == null ? "openai" : deployment.getProvider();
        if (!PROVIDERS.contains(provider)) {
            throw new IllegalStateException("Model '" + model.getName() + "': unknown provider '" + provider
                    + "' (one of " + PROVIDERS + ").");
        }
        if (!provider.equals("mock") && (deployment.getBaseUrl() == null || deployment.getBaseUrl().isBlank())) {
            throw new IllegalStateException("Model '" + model.getName() + "': deployment.base-url is required for "
                    + "provider '" + provider + "'.");
        }
        return new CatalogModel(model.getName(), model.getMaxOutputTokens(), new ModelPrices(input, cached, output),
                provider, deployment.getName() == null ? model.getName() : deployment.getName(),
                deployment.getUpstreamModel() == null ? model.getName() : deployment.getUpstreamModel(), deployment);
    }

    private static TokenPrice price(boolean free, BigDecimal perMillion) {
        return free && perMillion == null ? TokenPrice.FREE : new TokenPrice(perMillion);
    }
}
