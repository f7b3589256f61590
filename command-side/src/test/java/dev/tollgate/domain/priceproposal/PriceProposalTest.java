package dev.tollgate.domain.priceproposal;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.priceproposal.ApprovePriceProposal;
import dev.tollgate.api.priceproposal.PriceChange;
import dev.tollgate.api.priceproposal.PriceProposalApproved;
import dev.tollgate.api.priceproposal.PriceProposalRejected;
import dev.tollgate.api.priceproposal.PricesProposed;
import dev.tollgate.api.priceproposal.ProposePrices;
import dev.tollgate.api.priceproposal.RejectPriceProposal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A price source's proposal is decided once: approved with the version that published it, or rejected. */
class PriceProposalTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final List<PriceChange> CHANGES = List.of(new PriceChange("gpt", "output", "0.6", "0.8"));
    static final Map<String, ModelPrice> PRICES = Map.of("gpt", ModelPrice.tokens("0.15", "0.8"));

    AggregateTestFixture<PriceProposal> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(PriceProposal.class);
    }

    static PricesProposed proposed() {
        return new PricesProposed("pp1", "litellm", CHANGES, PRICES, "price-source:litellm", T0);
    }

    @Test
    void aSourcesChangeIsProposedWithItsDiff() {
        fixture.givenCurrentTime(T0)
                .when(new ProposePrices("pp1", "litellm", CHANGES, PRICES, "price-source:litellm"))
                .expectEvents(proposed());
    }

    @Test
    void anApprovalRecordsWhoApprovedAndTheVersionAndCannotBeRepeated() {
        fixture.given(proposed())
                .andGivenCurrentTime(T0)
                .when(new ApprovePriceProposal("pp1", 7, "master", "matches the provider's page"))
                .expectEvents(new PriceProposalApproved("pp1", "litellm", 7, "master", "matches the provider's page",
                        T0));
        fixture.given(proposed(), new PriceProposalApproved("pp1", "litellm", 7, "master", "ok", T0))
                .when(new RejectPriceProposal("pp1", "master", "changed my mind"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aRejectedProposalStaysRejected() {
        fixture.given(proposed())
                .andGivenCurrentTime(T0)
                .when(new RejectPriceProposal("pp1", "master", "a typo upstream"))
                .expectEvents(new PriceProposalRejected("pp1", "litellm", "master", "a typo upstream", T0));
        fixture.given(proposed(), new PriceProposalRejected("pp1", "litellm", "master", "typo", T0))
                .when(new ApprovePriceProposal("pp1", 8, "master", "after all"))
                .expectException(CommandRefused.class);
    }

    @Test
    void aProposalWithoutChangesIsRefused() {
        fixture.when(new ProposePrices("pp1", "litellm", List.of(), PRICES, "price-source:litellm"))
                .expectException(CommandRefused.class);
    }
}
