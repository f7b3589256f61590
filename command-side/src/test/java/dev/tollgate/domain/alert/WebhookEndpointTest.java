package dev.tollgate.domain.alert;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.alert.RegisterWebhookEndpoint;
import dev.tollgate.api.alert.RemoveWebhookEndpoint;
import dev.tollgate.api.alert.ThresholdRemoved;
import dev.tollgate.api.alert.WebhookEndpointRegistered;
import dev.tollgate.api.alert.WebhookEndpointRemoved;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.hamcrest.Matchers.containsString;

/** Which registrations of an endpoint id are recorded: the first, and each one after the endpoint was removed. */
class WebhookEndpointTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final String FIRST = "0123456789abcdef";
    static final String SECOND = "fedcba9876543210";

    static final WebhookEndpointRegistered REGISTERED = new WebhookEndpointRegistered("hook", "https://a.example/x",
            Set.of("cs101"), "course office", FIRST, "admin", "course office", T0);
    static final WebhookEndpointRemoved REMOVED = new WebhookEndpointRemoved("hook", "admin", "moved",
            T0.plusSeconds(60));

    AggregateTestFixture<WebhookEndpoint> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(WebhookEndpoint.class);
    }

    private static RegisterWebhookEndpoint register(String url, String fingerprint, String actor) {
        return new RegisterWebhookEndpoint("hook", url, Set.of("math"), "maths office", fingerprint, actor,
                "new receiver");
    }

    @Test
    void anIdNeverRegisteredIsRegistered() {
        fixture.givenNoPriorActivity().andGivenCurrentTime(T0)
                .when(new RegisterWebhookEndpoint("hook", "https://a.example/x", Set.of("cs101"), "course office",
                        FIRST, "admin", "course office"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(REGISTERED);
    }

    @Test
    void aRemovedEndpointIsRegisteredAgainUnderItsIdWithItsNewUrlTeamsAndFingerprint() {
        Instant later = T0.plusSeconds(3600);
        fixture.given(REGISTERED, REMOVED).andGivenCurrentTime(later)
                .when(register("https://b.example/y", SECOND, "manager"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new WebhookEndpointRegistered("hook", "https://b.example/y", Set.of("math"),
                        "maths office", SECOND, "manager", "new receiver", later));
    }

    @Test
    void anEndpointRegisteredAndNotRemovedRefusesAnotherRegistrationOfItsId() {
        fixture.given(REGISTERED).andGivenCurrentTime(T0)
                .when(register("https://b.example/y", SECOND, "manager"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(containsString("registered already"))
                .expectNoEvents();
    }

    @Test
    void anEndpointRegisteredAgainRefusesAThirdRegistrationUntilItIsRemovedAgain() {
        WebhookEndpointRegistered again = new WebhookEndpointRegistered("hook", "https://b.example/y",
                Set.of("math"), "maths office", SECOND, "manager", "new receiver", T0.plusSeconds(120));
        fixture.given(REGISTERED, REMOVED, again).andGivenCurrentTime(T0.plusSeconds(180))
                .when(register("https://c.example/z", FIRST, "admin"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(containsString("registered already"));
        fixture.given(REGISTERED, REMOVED, again).andGivenCurrentTime(T0.plusSeconds(180))
                .when(new RemoveWebhookEndpoint("hook", "admin", "gone"))
                .expectEvents(new WebhookEndpointRemoved("hook", "admin", "gone", T0.plusSeconds(180)));
    }

    @Test
    void anIdThatIsAnotherRecordsStreamIsNotLoadedAsAnEndpoint() {
        ThresholdRemoved foreign = new ThresholdRemoved("hook", "warn-80", "admin", "x", T0);
        fixture.given(foreign).andGivenCurrentTime(T0)
                .when(register("https://b.example/y", SECOND, "manager"))
                .expectException(IncompatibleAggregateException.class)
                .expectNoEvents();
    }

    @Test
    void removingARemovedEndpointRecordsNothing() {
        fixture.given(REGISTERED, REMOVED).andGivenCurrentTime(T0.plusSeconds(120))
                .when(new RemoveWebhookEndpoint("hook", "admin", "again"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }
}
