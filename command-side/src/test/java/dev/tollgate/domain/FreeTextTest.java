package dev.tollgate.domain;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.access.ChangeCredentialScope;
import dev.tollgate.api.access.CredentialIssued;
import dev.tollgate.api.access.IssueCredential;
import dev.tollgate.api.access.RevokeCredential;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.alert.RegisterWebhookEndpoint;
import dev.tollgate.api.alert.RemoveWebhookEndpoint;
import dev.tollgate.api.alert.WebhookEndpointRegistered;
import dev.tollgate.api.boost.CohortBoostGranted;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.GrantCohortBoost;
import dev.tollgate.api.boost.RevokeCohortBoost;
import dev.tollgate.api.identity.LinkIdentity;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.keypolicy.SetKeyPolicy;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.price.PublishPrices;
import dev.tollgate.api.priceproposal.ApprovePriceProposal;
import dev.tollgate.api.priceproposal.PriceChange;
import dev.tollgate.api.priceproposal.PricesProposed;
import dev.tollgate.api.priceproposal.RejectPriceProposal;
import dev.tollgate.api.recalculation.ApproveRecalculation;
import dev.tollgate.api.recalculation.RecalculationCompleted;
import dev.tollgate.api.recalculation.RecalculationStarted;
import dev.tollgate.api.recalculation.StartRecalculation;
import dev.tollgate.domain.access.AdminCredential;
import dev.tollgate.domain.alert.WebhookEndpoint;
import dev.tollgate.domain.boost.CohortBoost;
import dev.tollgate.domain.identity.Identity;
import dev.tollgate.domain.key.ApiKey;
import dev.tollgate.domain.keypolicy.KeyPolicy;
import dev.tollgate.domain.price.PriceBook;
import dev.tollgate.domain.priceproposal.PriceProposal;
import dev.tollgate.domain.recalculation.Recalculation;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every aggregate besides the Team (TeamTextTest) refuses names, reasons and descriptions with NUL or another
 * control character, before any event: PostgreSQL cannot store a NUL, and such an event parked the projections that
 * store it as a dead letter. A reason or a description may still have tabs and line breaks; a name may not.
 */
class FreeTextTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final String HASH = "b".repeat(64);
    static final String NUL = "a\u0000b";

    private static <T> void refused(Class<T> aggregate, List<Object> given, Object command) {
        new AggregateTestFixture<>(aggregate).given(given).andGivenCurrentTime(T0)
                .when(command)
                .expectException(CommandRefused.class)
                .expectExceptionMessage(Matchers.containsString("control characters"))
                .expectNoEvents();
    }

    private static <T> void accepted(Class<T> aggregate, List<Object> given, Object command) {
        new AggregateTestFixture<>(aggregate).given(given).andGivenCurrentTime(T0)
                .when(command)
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void credentialsRefuseControlCharactersInNameAndReason() {
        refused(AdminCredential.class, List.of(), new IssueCredential("c1", HASH, "tga-x", NUL, Role.ADMIN, Set.of(),
                null, "master", "new admin"));
        refused(AdminCredential.class, List.of(), new IssueCredential("c1", HASH, "tga-x", "Ada\nLovelace",
                Role.ADMIN, Set.of(), null, "master", "new admin"));
        refused(AdminCredential.class, List.of(), new IssueCredential("c1", HASH, "tga-x", "Ada", Role.ADMIN,
                Set.of(), null, "master", NUL));
        List<Object> issued = List.of(new CredentialIssued("c1", HASH, "tga-x", "Ada", Role.FINANCE, Set.of(), null,
                "master", null, T0));
        refused(AdminCredential.class, issued, new ChangeCredentialScope("c1", Role.ADMIN, Set.of(), null, "master",
                NUL));
        refused(AdminCredential.class, issued, new RevokeCredential("c1", "master", NUL));
        accepted(AdminCredential.class, issued, new RevokeCredential("c1", "master", "left\r\n\tthe department"));
    }

    @Test
    void webhookEndpointsRefuseControlCharactersInDescriptionUrlAndReason() {
        String fingerprint = "0123456789abcdef";
        refused(WebhookEndpoint.class, List.of(), new RegisterWebhookEndpoint("e1", "https://hooks.example/x",
                Set.of(), NUL, fingerprint, "admin", "alerts"));
        refused(WebhookEndpoint.class, List.of(), new RegisterWebhookEndpoint("e1", "https://hooks.example/x\u0000",
                Set.of(), "d", fingerprint, "admin", "alerts"));
        refused(WebhookEndpoint.class, List.of(), new RegisterWebhookEndpoint("e1", "https://hooks.example/x",
                Set.of(), "d", fingerprint, "admin", NUL));
        refused(WebhookEndpoint.class, List.of(new WebhookEndpointRegistered("e1", "https://hooks.example/x",
                        Set.of(), "d", fingerprint, "admin", "alerts", T0)),
                new RemoveWebhookEndpoint("e1", "admin", NUL));
    }

    @Test
    void cohortBoostsRefuseControlCharactersInReasonAndSelector() {
        List<CohortMember> members = List.of(new CohortMember("ann", "cs"));
        refused(CohortBoost.class, List.of(), new GrantCohortBoost("b1", members, "tag:x", Money.of("1"), T0,
                T0.plusSeconds(60), NUL, "admin"));
        refused(CohortBoost.class, List.of(), new GrantCohortBoost("b1", members, "tag:" + NUL, Money.of("1"), T0,
                T0.plusSeconds(60), "project", "admin"));
        refused(CohortBoost.class, List.of(new CohortBoostGranted("b1", members, "tag:x", Money.of("1"), T0,
                T0.plusSeconds(60), "project", "admin", T0)), new RevokeCohortBoost("b1", "admin", NUL));
    }

    @Test
    void keysRefuseControlCharactersInNameMetadataAndReason() {
        refused(ApiKey.class, List.of(), new IssueKey("k1", HASH, "tg-abcd", NUL, "cs", null, List.of(), null, null,
                null, null, "admin"));
        refused(ApiKey.class, List.of(), new IssueKey("k1", HASH, "tg-abcd", "app", "cs", null, List.of(), null, null,
                Map.of("owner", NUL), null, "admin"));
        refused(ApiKey.class, List.of(), new IssueKey("k1", HASH, "tg-abcd", "app", "cs", null, List.of(), null, null,
                null, Map.of(NUL, "x"), "admin"));
        List<Object> issued = List.of(new KeyIssued("k1", HASH, "tg-abcd", "app", "cs", null, List.of(), null, null,
                null, null, "admin", T0));
        refused(ApiKey.class, issued, new RevokeKey("k1", null, "admin", NUL));
        refused(ApiKey.class, issued, new RotateKey("k1", null, "c".repeat(64), "tg-efgh", "admin", NUL));
    }

    @Test
    void keyPoliciesRefuseAControlCharacterInTheReason() {
        refused(KeyPolicy.class, List.of(), new SetKeyPolicy(SetKeyPolicy.policyId("cs"), "cs", 3, null, List.of(),
                null, null, "admin", NUL));
    }

    @Test
    void identitiesRefuseControlCharactersInIssuerSubjectTagsAndClaims() {
        refused(Identity.class, List.of(), new LinkIdentity(LinkIdentity.identityId("ann"), "ann",
                "https://idp.example", "sub\u0000", "cs", Set.of(), Map.of(), "sso:ann"));
        refused(Identity.class, List.of(), new LinkIdentity(LinkIdentity.identityId("ann"), "ann",
                "https://idp.example", "sub", "cs", Set.of("course:" + NUL), Map.of(), "sso:ann"));
        refused(Identity.class, List.of(), new LinkIdentity(LinkIdentity.identityId("ann"), "ann",
                "https://idp.example", "sub", "cs", Set.of(), Map.of("team", NUL), "sso:ann"));
    }

    @Test
    void pricesRefuseControlCharactersInModelSourceAndReason() {
        ModelPrice price = ModelPrice.tokens("0.15", "0.60");
        refused(PriceBook.class, List.of(), new PublishPrices(PriceBook.ID, null, Map.of("mini", price), false, "api",
                "admin", NUL));
        refused(PriceBook.class, List.of(), new PublishPrices(PriceBook.ID, null, Map.of(NUL, price), false, "api",
                "admin", "new model"));
        List<Object> proposed = List.of(new PricesProposed("pp1", "litellm",
                List.of(new PriceChange("gpt", "output", "0.6", "0.8")), Map.of("gpt", ModelPrice.tokens("0.15", "0.8")),
                "price-source:litellm", T0));
        refused(PriceProposal.class, proposed, new ApprovePriceProposal("pp1", 2, "admin", NUL));
        refused(PriceProposal.class, proposed, new RejectPriceProposal("pp1", "admin", NUL));
    }

    @Test
    void recalculationsRefuseAControlCharacterInTheReason() {
        Instant from = T0.minusSeconds(86_400);
        refused(Recalculation.class, List.of(), new StartRecalculation("recalc_1", from, null, NUL, "admin"));
        refused(Recalculation.class, List.of(new RecalculationStarted("recalc_1", from, T0, "typo", "admin", T0),
                        new RecalculationCompleted("recalc_1", 10, 2, Money.of("1"), Money.of("1.5"), T0)),
                new ApproveRecalculation("recalc_1", "admin", NUL));
    }
}
