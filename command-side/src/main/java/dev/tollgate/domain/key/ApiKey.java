package dev.tollgate.domain.key;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.key.ConfirmKeyTeam;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.KeyOfAnotherTeam;
import dev.tollgate.api.move.KeyMoved;
import dev.tollgate.api.move.MoveKey;
import dev.tollgate.api.key.KeyRevoked;
import dev.tollgate.api.key.KeyRotated;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.key.RevokeKey;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** An API key: who it belongs to and whether it still works. It knows the secret's hash only, never the secret. */
@Revision("2")
@Aggregate
public class ApiKey {

    @AggregateIdentifier
    private String keyId;
    private String teamId;
    private String userId;
    private String displayPrefix;
    private boolean revoked;
    /** Whether the member it belongs to made it themselves ({@link KeyIssued#issuedByOwner()}); revision 2. */
    private boolean issuedByOwner;

    protected ApiKey() {
        // for Axon
    }

    /**
     * A team's key (requests name their user in OpenAI's {@code user} field). A member's key is issued by their team,
     * which decides whether they may hold one ({@code IssueMemberKey}, {@link #issuedToMember}).
     */
    @CommandHandler
    public ApiKey(IssueKey command) {
        if (command.userId() != null) {
            throw CommandRefused.invalid("a member's key is issued by their team (IssueMemberKey), which decides "
                    + "whether they may hold one");
        }
        issue(command);
    }

    /**
     * A member's key, created by their team in the unit of work in which it decided that they may hold it
     * ({@code AggregateLifecycle.createNew}).
     */
    public static ApiKey issuedToMember(IssueKey command) {
        if (command.userId() == null || command.userId().isBlank()) {
            throw CommandRefused.invalid("a member's key names its member");
        }
        ApiKey key = new ApiKey();
        key.issue(command);
        return key;
    }

    private void issue(IssueKey command) {
        Limits.requireId(command.keyId(), "key id");
        Limits.optionalLine(command.name(), Limits.NAME, "key name");
        Limits.optionalLines(command.allowedModels(), Limits.TEXT, "model name");
        lines(command.metadata(), "metadata");
        lines(command.defaultTags(), "default tag");
        if (command.secretHash() == null || !command.secretHash().matches("[0-9a-f]{64}")) {
            throw CommandRefused.invalid("a key is issued with the SHA-256 of its secret, never the secret");
        }
        if (command.teamId() == null || command.teamId().isBlank()) {
            throw CommandRefused.invalid("a key belongs to a team");
        }
        if (command.expiresAt() != null && command.expiresAt().isAfter(GenericEventMessage.clock.instant()
                .plus(java.time.Duration.ofDays(Limits.MAX_KEY_LIFETIME_DAYS)))) {
            throw CommandRefused.invalid("a key lives at most " + Limits.MAX_KEY_LIFETIME_DAYS + " days");
        }
        apply(new KeyIssued(command.keyId(),
                command.secretHash(), command.displayPrefix(), command.name(), command.teamId(), command.userId(),
                command.allowedModels(), command.expiresAt(), command.limits(), command.metadata(),
                command.defaultTags(), command.actor(), GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(RotateKey command) {
        requireTeam(command.expectedTeamId());
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (revoked) {
            throw CommandRefused.conflict("key '" + keyId + "' is revoked: issue a new one");
        }
        if (command.secretHash() == null || !command.secretHash().matches("[0-9a-f]{64}")) {
            throw CommandRefused.invalid("a key is rotated with the SHA-256 of its new secret, never the secret");
        }
        apply(new KeyRotated(keyId, teamId, command.secretHash(), command.displayPrefix(), displayPrefix,
                command.actor(), command.reason(), GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(RevokeKey command) {
        requireTeam(command.expectedTeamId());
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (revoked) {
            return; // revoking twice changes nothing and records nothing
        }
        apply(new KeyRevoked(keyId, teamId, command.actor(),
                command.reason(), GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(ConfirmKeyTeam command) {
        if (command.teamId() == null) {
            throw CommandRefused.invalid("a key's team is confirmed against a team");
        }
        requireTeam(command.teamId());
    }

    /**
     * The sender was allowed to act on the keys of {@code expectedTeamId} ({@code null}: of every team): this key
     * decides whether it is one of them, from its own history (it may have followed its owner to another team since
     * the sender read its team from the directory).
     */
    private void requireTeam(String expectedTeamId) {
        if (expectedTeamId != null && !expectedTeamId.equals(teamId)) {
            throw new KeyOfAnotherTeam(keyId, expectedTeamId);
        }
    }

    /**
     * A key its owner made themselves follows them to their new team. A key someone else issued them (an admin, a
     * manager of the team they leave) is revoked instead: the new team's managers did not issue it, and the old
     * team's could no longer revoke it there. A revoked key stays where it was, and so does a moved one.
     */
    @CommandHandler
    public void handle(MoveKey command) {
        if (revoked || command.toTeamId().equals(teamId)) {
            return;
        }
        if (userId == null) {
            throw CommandRefused.invalid("key '" + keyId + "' is a team's key: it belongs to its team");
        }
        if (!issuedByOwner) {
            apply(new KeyRevoked(keyId, teamId, command.actor(), "issued to its owner by someone else in team '"
                    + teamId + "': revoked when they moved to team '" + command.toTeamId() + "' (move "
                    + command.moveId() + "); only keys they made themselves follow them",
                    GenericEventMessage.clock.instant()));
            return;
        }
        apply(new KeyMoved(keyId, teamId, command.toTeamId(), userId, command.moveId(), command.actor(),
                GenericEventMessage.clock.instant()));
    }

    private static void lines(java.util.Map<String, String> entries, String what) {
        if (entries != null) {
            Limits.optionalLines(entries.keySet(), Limits.TEXT, what + " name");
            Limits.optionalLines(entries.values(), Limits.TEXT, what + " value");
        }
    }

    @EventSourcingHandler
    void on(KeyMoved event) {
        teamId = event.toTeamId();
    }

    @EventSourcingHandler
    void on(KeyIssued event) {
        keyId = event.keyId();
        teamId = event.teamId();
        userId = event.userId();
        displayPrefix = event.displayPrefix();
        issuedByOwner = event.issuedByOwner();
    }

    @EventSourcingHandler
    void on(KeyRotated event) {
        displayPrefix = event.displayPrefix();
    }

    @EventSourcingHandler
    void on(KeyRevoked event) {
        revoked = true;
    }
}
