package dev.tollgate.domain.price;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.price.PricesPublished;
import dev.tollgate.api.price.PublishPrices;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The versioned price book. Each version is a complete list of prices in force from its {@code effectiveFrom}
 * until the next version's; a request is priced with the version in force when it started. A publication that
 * changes nothing records nothing, so publishing the configuration file's prices at every start is harmless.
 */
@Revision("1")
@Aggregate
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class PriceBook {

    public static final String ID = PublishPrices.PRICE_BOOK;
    static final String CONFIG = PublishPrices.FROM_CONFIG;

    @AggregateIdentifier
    private String priceBookId;
    private List<Version> versions = new ArrayList<>();
    /** The configuration file's prices when it was last published: what it says, not what is in force. */
    private Map<String, ModelPrice> lastConfigured = new HashMap<>();

    /** A published version; {@code changed}: the models whose price it sets (or removes). */
    record Version(int version, Instant effectiveFrom, Map<String, ModelPrice> prices, Set<String> changed) {
    }

    protected PriceBook() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public int handle(PublishPrices command) {
        Instant now = GenericEventMessage.clock.instant();
        Instant effectiveFrom = command.effectiveFrom() == null ? now : command.effectiveFrom();
        if (command.prices().isEmpty()) {
            throw CommandRefused.invalid("no prices to publish");
        }
        Limits.optionalLines(command.prices().keySet(), Limits.TEXT, "model name");
        Limits.optionalLine(command.source(), Limits.TEXT, "price source");
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        boolean fromConfig = CONFIG.equals(command.source());
        Map<String, ModelPrice> given = new HashMap<>(command.prices());
        if (fromConfig) {
            // Only what the file changed since it was last published: a price set through the API stays.
            given.entrySet().removeIf(e -> e.getValue().equals(lastConfigured.get(e.getKey())));
        }
        Map<String, ModelPrice> base = pricesInForceAt(effectiveFrom);
        Map<String, ModelPrice> merged = new HashMap<>(command.replace() ? Map.of() : base);
        merged.putAll(given);
        Set<String> changed = new TreeSet<>();
        for (String model : merged.keySet()) {
            if (!merged.get(model).equals(base.get(model))) {
                changed.add(model);
            }
        }
        for (String model : base.keySet()) {
            if (!merged.containsKey(model)) {
                changed.add(model);
            }
        }
        if (changed.isEmpty()) {
            return versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
        }
        int version = versions.size() + 1;
        apply(new PricesPublished(command.priceBookId(), version, effectiveFrom, merged, changed, command.source(),
                command.actor(), command.reason(), now, fromConfig ? command.prices() : null));
        return version;
    }

    /**
     * Every model's price in force at {@code at}: for each model, the latest effective version that set it (the most
     * recently published on a tie). A version decides the prices it changed only, so a correction published later
     * for an earlier instant holds until the next version that changes that model, and a version scheduled for later
     * never brings back the prices it saw when it was published.
     */
    private Map<String, ModelPrice> pricesInForceAt(Instant at) {
        Map<String, Version> deciding = new HashMap<>();
        for (Version v : versions) {
            if (v.effectiveFrom().isAfter(at)) {
                continue;
            }
            for (String model : v.changed()) {
                Version best = deciding.get(model);
                if (best == null || v.effectiveFrom().isAfter(best.effectiveFrom())
                        || v.effectiveFrom().equals(best.effectiveFrom()) && v.version() > best.version()) {
                    deciding.put(model, v);
                }
            }
        }
        Map<String, ModelPrice> prices = new HashMap<>();
        deciding.forEach((model, v) -> {
            if (v.prices().containsKey(model)) {
                prices.put(model, v.prices().get(model));
            }
        });
        return prices;
    }

    @EventSourcingHandler
    void on(PricesPublished event) {
        priceBookId = event.priceBookId();
        versions.add(new Version(event.version(), event.effectiveFrom(), event.prices(), event.changed()));
        if (CONFIG.equals(event.source())) {
            lastConfigured = new HashMap<>(event.configured());
        }
    }
}
