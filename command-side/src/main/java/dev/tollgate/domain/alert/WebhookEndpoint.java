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
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A URL that receives alerts. It knows the fingerprint of its signing secret, never the secret. An id is registered
 * once at a time: registered again only after it was removed, each registration its own
 * {@link WebhookEndpointRegistered} in the endpoint's stream (docs/adr/0012).
 */
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

    /**
     * Registers the endpoint: an id never registered, or one whose endpoint was removed (its new URL, teams and
     * secret's fingerprint; nothing of the removed registration stays in force). An endpoint registered and not
     * removed refuses it. Racing registrations of one id are serialized by the aggregate's lock on a node and by the
     * event store's unique (aggregate id, sequence number) across nodes: one is recorded, every other sees it
     * registered or fails to append. An id that is another record's stream (a team's, say) never gets here: Axon
     * refuses to load it as an endpoint ({@code IncompatibleAggregateException}, no identifier after its events).
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RegisterWebhookEndpoint command) {
        Limits.requireId(command.endpointId(), "endpoint id");
        Limits.require(command.url(), MAX_URL_LENGTH, "webhook URL");
        Limits.optionalText(command.description(), Limits.TEXT, "description");
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (command.secretFingerprint() == null || !command.secretFingerprint().matches("[0-9a-f]{16}")) {
            throw CommandRefused.invalid("an endpoint is registered with its secret's fingerprint, never the secret");
        }
        command.teams().forEach(team -> Limits.requireId(team, "team id"));
        if (endpointId != null && !removed) {
            throw CommandRefused.conflict("webhook endpoint '" + endpointId + "' is registered already: remove it "
                    + "before registering its id again");
        }
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
        removed = false;
    }

    @EventSourcingHandler
    void on(WebhookEndpointRemoved event) {
        removed = true;
    }
}
