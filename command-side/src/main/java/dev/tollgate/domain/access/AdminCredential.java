package dev.tollgate.domain.access;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.access.ChangeCredentialScope;
import dev.tollgate.api.access.CredentialIssued;
import dev.tollgate.api.access.CredentialRevoked;
import dev.tollgate.api.access.CredentialScopeChanged;
import dev.tollgate.api.access.IssueCredential;
import dev.tollgate.api.access.RevokeCredential;
import dev.tollgate.api.access.Role;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An administrative credential: a bearer key with a role (admin, manager of some teams, finance). It knows only the
 * hash of its secret. Designed so that another way to prove the same identity (an OIDC login) can map to it later.
 */
@Revision("1")
@Aggregate
public class AdminCredential {

    @AggregateIdentifier
    private String credentialId;
    private Role role;
    private Set<String> teams;
    private boolean revoked;

    protected AdminCredential() {
        // for Axon
    }

    @CommandHandler
    public AdminCredential(IssueCredential command) {
        Limits.requireId(command.credentialId(), "credential id");
        Limits.optionalLine(command.name(), Limits.NAME, "credential name");
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (command.secretHash() == null || !command.secretHash().matches("[0-9a-f]{64}")) {
            throw CommandRefused.invalid("a credential is issued with the SHA-256 of its secret, never the secret");
        }
        checkScope(command.role(), command.teams());
        apply(new CredentialIssued(command.credentialId(), command.secretHash(), command.displayPrefix(),
                command.name(), command.role(), command.teams(), command.role() == Role.MANAGER ? command.budgetCap()
                : null, command.actor(), command.reason(), GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(ChangeCredentialScope command) {
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (revoked) {
            throw CommandRefused.conflict("credential '" + credentialId + "' is revoked");
        }
        checkScope(command.role(), command.teams());
        apply(new CredentialScopeChanged(credentialId, command.role(), command.teams(),
                command.role() == Role.MANAGER ? command.budgetCap() : null, role, teams, command.actor(),
                command.reason(), GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(RevokeCredential command) {
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (!revoked) {
            apply(new CredentialRevoked(credentialId, command.actor(), command.reason(),
                    GenericEventMessage.clock.instant()));
        }
    }

    private static void checkScope(Role role, Set<String> teams) {
        if (role == null) {
            throw CommandRefused.invalid("a credential needs a role: admin, manager or finance");
        }
        if (role == Role.MANAGER && teams.isEmpty()) {
            throw CommandRefused.invalid("a manager looks after at least one team");
        }
        if (role != Role.MANAGER && !teams.isEmpty()) {
            throw CommandRefused.invalid("only managers are given teams: an " + role.wireName() + " sees every team");
        }
    }

    @EventSourcingHandler
    void on(CredentialIssued event) {
        credentialId = event.credentialId();
        role = event.role();
        teams = event.teams();
    }

    @EventSourcingHandler
    void on(CredentialScopeChanged event) {
        role = event.role();
        teams = event.teams();
    }

    @EventSourcingHandler
    void on(CredentialRevoked event) {
        revoked = true;
    }
}
