package dev.tollgate.projection.price;

import dev.tollgate.api.price.PricesPublished;
import dev.tollgate.projection.directory.DirectoryProjection;
import dev.tollgate.projection.support.Json;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.readmodel.Tables.PRICE_VERSIONS;

/** Every version of the price book, complete, as the edge prices requests with it and admins list it. */
@Component
@ProcessingGroup(DirectoryProjection.PROCESSING_GROUP)
public class PriceVersionProjection {

    private final DSLContext dsl;

    public PriceVersionProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(PricesPublished event) {
        dsl.insertInto(PRICE_VERSIONS)
                .set(PRICE_VERSIONS.VERSION, event.version())
                .set(PRICE_VERSIONS.EFFECTIVE_FROM, event.effectiveFrom())
                .set(PRICE_VERSIONS.PRICES, Json.of(new java.util.TreeMap<>(event.prices())))
                .set(PRICE_VERSIONS.CHANGED, event.changed().stream().sorted().toArray(String[]::new))
                .set(PRICE_VERSIONS.SOURCE, event.source())
                .set(PRICE_VERSIONS.ACTOR, event.actor())
                .set(PRICE_VERSIONS.REASON, event.reason())
                .set(PRICE_VERSIONS.PUBLISHED_AT, event.at())
                .onConflictDoNothing()
                .execute();
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(PRICE_VERSIONS).execute();
    }
}
