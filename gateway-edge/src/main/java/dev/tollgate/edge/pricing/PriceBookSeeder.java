package dev.tollgate.edge.pricing;

import dev.tollgate.api.price.PublishPrices;
import dev.tollgate.edge.catalog.ModelCatalog;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * At start, publishes the configuration file's prices into the price book. The price book applies only what the
 * file changed since it was last published, so a price set through the API is never undone by a restart, and an
 * unchanged file publishes nothing. Waits (briefly) until this node prices with the result.
 */
@Component
@org.springframework.core.annotation.Order(0)
public class PriceBookSeeder implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(PriceBookSeeder.class);

    private final ModelCatalog catalog;
    private final CommandGateway commands;
    private final PriceBookCache cache;

    public PriceBookSeeder(ModelCatalog catalog, CommandGateway commands, PriceBookCache cache) {
        this.catalog = catalog;
        this.commands = commands;
        this.cache = cache;
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        if (catalog.configuredPrices().isEmpty()) {
            return;
        }
        int version = commands.sendAndWait(new PublishPrices(PublishPrices.PRICE_BOOK, null,
                catalog.configuredPrices(), false, PublishPrices.FROM_CONFIG, "config",
                "prices of the configuration file"));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        cache.refresh();
        while (cache.latestVersion() < version && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            cache.refresh();
        }
        log.info("Price book at version v{}", version);
    }
}
