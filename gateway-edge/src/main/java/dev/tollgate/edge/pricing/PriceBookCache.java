package dev.tollgate.edge.pricing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.query.price.PriceQueries;
import dev.tollgate.query.price.PriceVersionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The price book as the hot path reads it: every version, in memory, read again from the read model every second
 * (and at once after a publication on this node). New prices apply without a restart, on every node.
 */
@Component
public class PriceBookCache {

    private static final Logger log = LoggerFactory.getLogger(PriceBookCache.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final PriceQueries queries;
    private final AtomicReference<List<Version>> versions = new AtomicReference<>(List.of());

    /** A version; {@code changed}: the models it sets the price of. The others it only shows as they were. */
    record Version(int number, Instant effectiveFrom, Map<String, ModelPrice> prices, Set<String> changed) {
    }

    public PriceBookCache(PriceQueries queries) {
        this.queries = queries;
    }

    /**
     * The model's price at {@code at}: from the latest effective version that set that model's price (see
     * {@code PriceBook}); empty when it has none (never a silent zero).
     */
    public Optional<PriceInForce> priceAt(String model, Instant at) {
        Version inForce = null;
        for (Version version : versions.get()) {
            if (!version.effectiveFrom().isAfter(at) && version.changed().contains(model) && (inForce == null
                    || version.effectiveFrom().isAfter(inForce.effectiveFrom())
                    || version.effectiveFrom().equals(inForce.effectiveFrom()) && version.number() > inForce.number())) {
                inForce = version;
            }
        }
        if (inForce == null || !inForce.prices().containsKey(model)) {
            return Optional.empty();
        }
        return Optional.of(new PriceInForce("v" + inForce.number(), inForce.prices().get(model)));
    }

    /** The highest version number known here. */
    public int latestVersion() {
        return versions.get().stream().mapToInt(Version::number).max().orElse(0);
    }

    @Scheduled(fixedDelay = 1000, initialDelay = 0)
    public void refresh() {
        try {
            versions.set(queries.versions().stream().map(PriceBookCache::version)
                    .sorted(Comparator.comparingInt(Version::number)).toList());
        } catch (RuntimeException e) {
            log.warn("Could not read the price book; keeping the versions known so far", e);
        }
    }

    private static Version version(PriceVersionView view) {
        Map<String, ModelPrice> prices = new HashMap<>();
        view.prices().fields().forEachRemaining(entry -> prices.put(entry.getKey(), price(entry.getValue())));
        return new Version(view.number(), view.effectiveFrom(), Map.copyOf(prices), Set.copyOf(view.changed()));
    }

    private static ModelPrice price(JsonNode node) {
        try {
            return JSON.treeToValue(node, ModelPrice.class);
        } catch (Exception e) {
            throw new IllegalStateException("a price in price_versions cannot be read: " + node, e);
        }
    }
}
