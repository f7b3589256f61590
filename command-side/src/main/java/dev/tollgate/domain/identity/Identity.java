package dev.tollgate.domain.identity;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.identity.ConfirmIdentity;
import dev.tollgate.api.identity.IdentityLink;
import dev.tollgate.api.identity.IdentityLinked;
import dev.tollgate.api.identity.LinkIdentity;
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
 * The identity a user id belongs to. Linked once, at a user's first sign-in with the identity provider, a member's or a
 * staff member's; another identity (another issuer, or another subject at the same issuer) can never take the same
 * user id over.
 */
@Revision("1")
@Aggregate
public class Identity {

    @AggregateIdentifier
    private String identityId;
    private String issuer;
    private String subject;
    /** Linked at a sign-in that placed the user in a team: Tollgate provisioned them from the identity provider. */
    private boolean placedInTeam;

    protected Identity() {
        // for Axon
    }

    /** Links the identity; a repeated link of the same identity changes nothing. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public IdentityLink handle(LinkIdentity command) {
        if (identityId != null) {
            return confirm(command.userId(), command.issuer(), command.subject());
        }
        Limits.require(command.userId(), Limits.USER_ID, "user id");
        if (command.teamId() != null) {
            Limits.requireId(command.teamId(), "team id"); // a staff sign-in places no one in a team
        }
        if (!LinkIdentity.identityId(command.userId()).equals(command.identityId())) {
            throw CommandRefused.invalid("an identity's id is identity:<user id>");
        }
        Limits.require(command.issuer(), 500, "issuer");
        Limits.require(command.subject(), 255, "subject");
        Limits.optionalLines(command.tags(), Limits.ID, "tag");
        Limits.optionalLines(command.decidingClaims().keySet(), Limits.TEXT, "deciding claim");
        Limits.optionalLines(command.decidingClaims().values(), Limits.TEXT, "deciding group");
        apply(new IdentityLinked(command.identityId(), command.userId(), command.issuer(), command.subject(),
                command.teamId(), command.tags(), command.decidingClaims(), command.actor(),
                GenericEventMessage.clock.instant()));
        return new IdentityLink(command.userId(), command.teamId() != null);
    }

    /** Whether the user id is this identity's, without linking it (an identity never linked is not found). */
    @CommandHandler
    public IdentityLink handle(ConfirmIdentity command) {
        return confirm(command.userId(), command.issuer(), command.subject());
    }

    private IdentityLink confirm(String userId, String claimedIssuer, String claimedSubject) {
        if (!issuer.equals(claimedIssuer) || !subject.equals(claimedSubject)) {
            throw CommandRefused.conflict("user id '" + userId + "' belongs to another identity");
        }
        return new IdentityLink(userId, placedInTeam);
    }

    @EventSourcingHandler
    void on(IdentityLinked event) {
        identityId = event.identityId();
        issuer = event.issuer();
        subject = event.subject();
        placedInTeam = event.teamId() != null;
    }
}
