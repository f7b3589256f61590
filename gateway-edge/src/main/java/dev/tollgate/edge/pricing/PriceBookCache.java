package dev.tollgate.edge.pricing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.query.price.PriceBookStamp;
import dev.tollgate.query.price.PriceQueries;
import dev.tollgate.query.price.PriceVersionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The price book as the hot path reads it: every version, in memory, checked against the read model every second
 * (and at once after a publication on this node), read again only when it changed. New prices apply without a
 * restart, on every node. Each version holds the whole book, so a year of published versions is many thousands of
 * prices: neither the check nor a request's lookup reads them all.
 */
@Component
public class PriceBookCache {

    private static final Logger log = LoggerFactory.getLogger(PriceBookCache.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** A version's order of precedence: the latest effective, the most recently published on a tie. */
    private static final Comparator<Version> PRECEDENCE = Comparator.comparing(Version::effectiveFrom)
            .thenComparingInt(Version::number);

    private final PriceQueries queries;
    private final AtomicReference<Book> book = new AtomicReference<>(Book.EMPTY);

    /** A version; {@code changed}: the models it sets the price of. The others it only shows as they were. */
    record Version(int number, Instant effectiveFrom, Map<String, ModelPrice> prices, Set<String> changed) {
    }

    /** The versions read at {@code stamp}; {@code byModel}: for each model, the versions that set it, by precedence. */
    private record Book(PriceBookStamp stamp, Map<String, List<Version>> byModel) {
        static final Book EMPTY = new Book(new PriceBookStamp(0, 0), Map.of());
    }

    public PriceBookCache(PriceQueries queries) {
        this.queries = queries;
    }

    /**
     * The model's price at {@code at}: from the latest effective version that set that model's price (see
     * {@code PriceBook}); empty when it has none (never a silent zero).
     */
    public Optional<PriceInForce> priceAt(String model, Instant at) {
        List<Version> setting = book.get().byModel().getOrDefault(model, List.of());
        for (int i = setting.size() - 1; i >= 0; i--) {
            Version version = setting.get(i);
            if (!version.effectiveFrom().isAfter(at)) {
                ModelPrice price = version.prices().get(model); // none: this version withdrew the model's price
                return price == null ? Optional.empty() : Optional.of(new PriceInForce("v" + version.number(), price));
            }
        }
        return Optional.empty();
    }

    /** The highest version number known here. */
    public int latestVersion() {
        return book.get().stamp().latest();
    }

    @Scheduled(fixedDelay = 1000, initialDelay = 0)
    public void refresh() {
        try {
            if (!queries.stamp().equals(book.get().stamp())) {
                // stamped with what was read, not with the stamp checked: whatever changed in between (a version
                // published, the read model replayed) makes the next check differ and read again
                book.set(read(queries.versions()));
            }
        } catch (RuntimeException e) {
            log.warn("Could not read the price book; keeping the versions known so far", e);
        }
    }

    private static Book read(List<PriceVersionView> views) {
        PriceBookStamp stamp = new PriceBookStamp(views.size(),
                views.stream().mapToInt(PriceVersionView::number).max().orElse(0));
        Map<String, List<Version>> byModel = new HashMap<>();
        for (PriceVersionView view : views) {
            Version version = version(view);
            for (String model : version.changed()) {
                byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(version);
            }
        }
        byModel.replaceAll((model, versions) -> versions.stream().sorted(PRECEDENCE).toList());
        return new Book(stamp, Map.copyOf(byModel));
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
