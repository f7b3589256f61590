package dev.tollgate.domain.price;

import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.price.PricesPublished;
import dev.tollgate.api.price.PublishPrices;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

class PriceBookTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final ModelPrice MINI = ModelPrice.tokens("0.15", "0.60");
    static final ModelPrice MINI_CHEAPER = ModelPrice.tokens("0.10", "0.40");
    static final ModelPrice BIG = ModelPrice.tokens("2.50", "10");

    AggregateTestFixture<PriceBook> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(PriceBook.class);
    }

    @Test
    void theFirstPublicationIsVersionOne() {
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(new PublishPrices(PriceBook.ID, null, Map.of("mini", MINI), false, "config", "system", null))
                .expectEvents(new PricesPublished(PriceBook.ID, 1, T0, Map.of("mini", MINI), Set.of("mini"), "config",
                        "system", null, T0, Map.of("mini", MINI)))
                .expectResultMessagePayload(1);
    }

    @Test
    void aNewVersionMergesOverTheVersionInForceAndListsWhatChanged() {
        Instant later = T0.plusSeconds(3600);
        fixture.given(new PricesPublished(PriceBook.ID, 1, T0, Map.of("mini", MINI, "big", BIG), Set.of("mini", "big"),
                        "config", "system", null, T0, Map.of("mini", MINI, "big", BIG)))
                .andGivenCurrentTime(T0.plusSeconds(60))
                .when(new PublishPrices(PriceBook.ID, later, Map.of("mini", MINI_CHEAPER), false, "api", "admin",
                        "provider price cut"))
                .expectEvents(new PricesPublished(PriceBook.ID, 2, later, Map.of("mini", MINI_CHEAPER, "big", BIG),
                        Set.of("mini"), "api", "admin", "provider price cut", T0.plusSeconds(60), null));
    }

    @Test
    void publishingTheSamePricesAgainRecordsNothing() {
        fixture.given(new PricesPublished(PriceBook.ID, 1, T0, Map.of("mini", MINI), Set.of("mini"), "config",
                        "system", null, T0, Map.of("mini", MINI)))
                .andGivenCurrentTime(T0.plusSeconds(60))
                .when(new PublishPrices(PriceBook.ID, null, Map.of("mini", MINI), false, "config", "system", null))
                .expectNoEvents()
                .expectResultMessagePayload(1);
    }

    @Test
    void replacingDropsWhatIsNotGiven() {
        fixture.given(new PricesPublished(PriceBook.ID, 1, T0, Map.of("mini", MINI, "big", BIG), Set.of("mini", "big"),
                        "config", "system", null, T0, Map.of("mini", MINI, "big", BIG)))
                .andGivenCurrentTime(T0.plusSeconds(60))
                .when(new PublishPrices(PriceBook.ID, T0.plusSeconds(60), Map.of("mini", MINI), true, "api", "admin",
                        "big retired"))
                .expectEvents(new PricesPublished(PriceBook.ID, 2, T0.plusSeconds(60), Map.of("mini", MINI),
                        Set.of("big"), "api", "admin", "big retired", T0.plusSeconds(60), null));
    }

    @Test
    void theConfigurationFileNeverUndoesAPriceSetThroughTheApi() {
        fixture.given(new PricesPublished(PriceBook.ID, 1, T0, Map.of("mini", MINI, "big", BIG), Set.of("mini", "big"),
                                "config", "system", null, T0, Map.of("mini", MINI, "big", BIG)),
                        new PricesPublished(PriceBook.ID, 2, T0.plusSeconds(10), Map.of("mini", MINI_CHEAPER, "big", BIG),
                                Set.of("mini"), "api", "admin", "price cut", T0.plusSeconds(10), null))
                .andGivenCurrentTime(T0.plusSeconds(60))
                // a restart with the same file publishes nothing
                .when(new PublishPrices(PriceBook.ID, null, Map.of("mini", MINI, "big", BIG), false, "config",
                        "system", null))
                .expectNoEvents();
        ModelPrice bigger = ModelPrice.tokens("3", "12");
        fixture.given(new PricesPublished(PriceBook.ID, 1, T0, Map.of("mini", MINI, "big", BIG), Set.of("mini", "big"),
                                "config", "system", null, T0, Map.of("mini", MINI, "big", BIG)),
                        new PricesPublished(PriceBook.ID, 2, T0.plusSeconds(10), Map.of("mini", MINI_CHEAPER, "big", BIG),
                                Set.of("mini"), "api", "admin", "price cut", T0.plusSeconds(10), null))
                .andGivenCurrentTime(T0.plusSeconds(60))
                // the file changes "big" only: "mini" keeps the API's price
                .when(new PublishPrices(PriceBook.ID, null, Map.of("mini", MINI, "big", bigger), false, "config",
                        "system", null))
                .expectEvents(new PricesPublished(PriceBook.ID, 3, T0.plusSeconds(60),
                        Map.of("mini", MINI_CHEAPER, "big", bigger), Set.of("big"), "config", "system", null,
                        T0.plusSeconds(60), Map.of("mini", MINI, "big", bigger)));
    }

    @Test
    void aCorrectionForThePastHoldsUntilTheNextVersionThatChangesThatModel() {
        // v1: both models at T0; v2 scheduled at T0+2h changes "big" only; v3, published later, corrects "mini"
        // from T0+1h. At T0+3h "mini" is still the correction: v2 only showed the price it saw.
        PricesPublished v1 = new PricesPublished(PriceBook.ID, 1, T0, Map.of("mini", MINI, "big", BIG),
                Set.of("mini", "big"), "api", "admin", "start", T0, null);
        ModelPrice bigger = ModelPrice.tokens("3", "12");
        PricesPublished v2 = new PricesPublished(PriceBook.ID, 2, T0.plusSeconds(7200),
                Map.of("mini", MINI, "big", bigger), Set.of("big"), "api", "admin", "scheduled", T0, null);
        PricesPublished v3 = new PricesPublished(PriceBook.ID, 3, T0.plusSeconds(3600),
                Map.of("mini", MINI_CHEAPER, "big", BIG), Set.of("mini"), "api", "admin", "correction",
                T0.plusSeconds(60), null);
        fixture.given(v1, v2, v3)
                .andGivenCurrentTime(T0.plusSeconds(3 * 3600))
                .when(new PublishPrices(PriceBook.ID, null, Map.of("mini", MINI_CHEAPER), false, "api", "admin",
                        "same again"))
                .expectNoEvents();
        fixture.given(v1, v2, v3)
                .andGivenCurrentTime(T0.plusSeconds(3 * 3600))
                .when(new PublishPrices(PriceBook.ID, null, Map.of("mini", MINI), false, "api", "admin", "back"))
                .expectEvents(new PricesPublished(PriceBook.ID, 4, T0.plusSeconds(3 * 3600),
                        Map.of("mini", MINI, "big", bigger), Set.of("mini"), "api", "admin", "back",
                        T0.plusSeconds(3 * 3600), null));
    }
}
