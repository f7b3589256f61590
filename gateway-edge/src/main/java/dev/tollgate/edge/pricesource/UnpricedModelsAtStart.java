package dev.tollgate.edge.pricesource;

import dev.tollgate.edge.config.TollgateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * At start, after the configuration file's prices are published (pricing/PriceBookSeeder, order 0): the models
 * without any price are priced from {@code tollgate.pricing.unpriced-from}. A source that cannot be read leaves them
 * refused, with a line in the log; Tollgate starts anyway.
 */
@Component
@Order(1)
public class UnpricedModelsAtStart implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(UnpricedModelsAtStart.class);

    private final PriceSources sources;
    private final String sourceId;

    public UnpricedModelsAtStart(PriceSources sources, TollgateProperties properties) {
        this.sources = sources;
        this.sourceId = properties.pricing().unpricedFrom();
    }

    @Override
    public void run(ApplicationArguments args) {
        if (sourceId == null) {
            return;
        }
        try {
            sources.priceUnpriced(sourceId);
        } catch (RuntimeException e) {
            log.error("The models without prices could not be priced from price source {}: {}", sourceId,
                    e.getMessage());
        }
    }
}
