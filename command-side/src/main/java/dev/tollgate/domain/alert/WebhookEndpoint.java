package dev.tollgate.domain.alert;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.alert.RegisterWebhookEndpoint;
import dev.tollgate.api.alert.RemoveWebhookEndpoint;
import dev.tollgate.api.alert.WebhookEndpointRegistered;
import dev.tollgate.api.alert.WebhookEndpointRemoved;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A URL that receives alerts. It knows the fingerprint of its signing secret, never the secret. */
@Revision("1")
@Aggregate
public class WebhookEndpoint {

    /** The longest URL an endpoint may have (the SSRF guard fetches no longer one). */
    public static final int MAX_URL_LENGTH = 2048;

    @AggregateIdentifier
    private String endpointId;
    private boolean removed;

    protected WebhookEndpoint() {
        // for Axon
    }

    @CommandHandler
    public WebhookEndpoint(RegisterWebhookEndpoint command) {
        Limits.requireId(command.endpointId(), "endpoint id");
        Limits.require(command.url(), MAX_URL_LENGTH, "webhook URL");
        Limits.optionalText(command.description(), Limits.TEXT, "description");
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (command.secretFingerprint() == null || !command.secretFingerprint().matches("[0-9a-f]{16}")) {
            throw CommandRefused.invalid("an endpoint is registered with its secret's fingerprint, never the secret");
        }
        command.teams().forEach(team -> Limits.requireId(team, "team id"));
        apply(new WebhookEndpointRegistered(command.endpointId(), command.url(), command.teams(),
                command.description(), command.secretFingerprint(), command.actor(), command.reason(),
                GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(RemoveWebhookEndpoint command) {
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (!removed) {
            apply(new WebhookEndpointRemoved(endpointId, command.actor(), command.reason(),
                    GenericEventMessage.clock.instant()));
        }
    }

    @EventSourcingHandler
    void on(WebhookEndpointRegistered event) {
        endpointId = event.endpointId();
    }

    @EventSourcingHandler
    void on(WebhookEndpointRemoved event) {
        removed = true;
    }
}
