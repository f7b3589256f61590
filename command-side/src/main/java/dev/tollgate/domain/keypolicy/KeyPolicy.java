package dev.tollgate.domain.keypolicy;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.keypolicy.KeyPolicySet;
import dev.tollgate.api.keypolicy.SetKeyPolicy;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A team's policy for the keys its members make themselves: how many, how long, which models, which limits. */
@Revision("1")
@Aggregate
public class KeyPolicy {

    /** The most keys a policy may allow one member. */
    public static final int MAX_KEYS = 100;

    @AggregateIdentifier
    private String policyId;

    protected KeyPolicy() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(SetKeyPolicy command) {
        Limits.requireId(command.teamId(), "team id");
        Limits.optionalLines(command.allowedModels(), Limits.TEXT, "model name");
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (!SetKeyPolicy.policyId(command.teamId()).equals(command.policyId())) {
            throw CommandRefused.invalid("a key policy's id is key-policy:<team id>");
        }
        if (command.maxKeys() < 0 || command.maxKeys() > MAX_KEYS) {
            throw CommandRefused.invalid("max_keys is between 0 and " + MAX_KEYS);
        }
        if (command.maxExpiryDays() != null && (command.maxExpiryDays() < 1
                || command.maxExpiryDays() > Limits.MAX_KEY_LIFETIME_DAYS)) {
            throw CommandRefused.invalid("max_expiry_days is between 1 and " + Limits.MAX_KEY_LIFETIME_DAYS);
        }
        if (command.requestsPerMinute() != null && command.requestsPerMinute() < 1
                || command.tokensPerMinute() != null && command.tokensPerMinute() < 1) {
            throw CommandRefused.invalid("rate limits are positive numbers");
        }
        apply(new KeyPolicySet(command.policyId(), command.teamId(), command.maxKeys(), command.maxExpiryDays(),
                command.allowedModels(), command.requestsPerMinute(), command.tokensPerMinute(), command.actor(),
                command.reason(), GenericEventMessage.clock.instant()));
    }

    @EventSourcingHandler
    void on(KeyPolicySet event) {
        policyId = event.policyId();
    }
}
