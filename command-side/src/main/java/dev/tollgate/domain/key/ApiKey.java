package dev.tollgate.domain.key;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.key.ConfirmKeyTeam;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.keypolicy.KeyPolicyTerms;
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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
    /** What it may do, as issued (never changed since): measured against a new team's key policy in a move. */
    private List<String> allowedModels = List.of();
    private Instant expiresAt;
    private KeyLimits limits = KeyLimits.NONE;

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
     * A key its owner made themselves follows them to their new team if that team's key policy would allow it as it
     * is: its models within the policy's, its expiry within the policy's longest counted from the move, its rate
     * limits within the policy's, and fewer than the policy's {@code maxKeys} of its owner's newer keys followed
     * them already (the process sends the newest first). Any other is revoked, saying why: a key is never narrowed
     * silently, its owner makes a new one within the policy. A key someone else issued them (an admin, a manager of
     * the team they leave) is revoked too: the new team's managers did not issue it, and the old team's could no
     * longer revoke it there. A revoked key stays where it was, and so does a moved one.
     *
     * @return whether the key is one of its owner's live keys in the new team now (an expired key follows as
     * history, and does not take one of the keys the policy allows)
     */
    @CommandHandler
    public boolean handle(MoveKey command) {
        Instant now = GenericEventMessage.clock.instant();
        if (revoked) {
            return false;
        }
        if (command.toTeamId().equals(teamId)) {
            return !expired(now); // followed already
        }
        if (userId == null) {
            throw CommandRefused.invalid("key '" + keyId + "' is a team's key: it belongs to its team");
        }
        if (command.policy() == null) {
            throw CommandRefused.invalid("a key follows its owner only as the new team's key policy allows");
        }
        if (!issuedByOwner) {
            apply(new KeyRevoked(keyId, teamId, command.actor(), "issued to its owner by someone else in team '"
                    + teamId + "': revoked when they moved to team '" + command.toTeamId() + "' (move "
                    + command.moveId() + "); only keys they made themselves follow them", now));
            return false;
        }
        List<String> unfit = unfit(command.policy(), now);
        if (!unfit.isEmpty()) {
            apply(new KeyRevoked(keyId, teamId, command.actor(), "did not fit the key policy of team '"
                    + command.toTeamId() + "' when its owner moved there (move " + command.moveId() + "): "
                    + String.join("; ", unfit) + "; revoked by the move: they make a new key within the policy",
                    now));
            return false;
        }
        boolean live = !expired(now);
        if (live && command.followedAlready() >= command.policy().maxKeys()) {
            apply(new KeyRevoked(keyId, teamId, command.actor(), "team '" + command.toTeamId() + "' lets a member "
                    + "hold at most " + command.policy().maxKeys() + " key(s) and newer keys of its owner followed "
                    + "them there (move " + command.moveId() + "): revoked by the move", now));
            return false;
        }
        apply(new KeyMoved(keyId, teamId, command.toTeamId(), userId, command.moveId(), command.actor(), now));
        return live;
    }

    private boolean expired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** What of this key, as it is, the policy would not allow a key made in its team at {@code now}. */
    private List<String> unfit(KeyPolicyTerms policy, Instant now) {
        List<String> unfit = new ArrayList<>();
        if (!policy.allowedModels().isEmpty()) {
            List<String> outside = allowedModels.stream().filter(m -> !policy.allowedModels().contains(m)).toList();
            if (allowedModels.isEmpty() || !outside.isEmpty()) {
                unfit.add("it may use " + (allowedModels.isEmpty() ? "every model" : String.join(", ", outside))
                        + ", the policy only " + String.join(", ", policy.allowedModels()));
            }
        }
        if (policy.maxExpiryDays() != null) {
            // a policy set before the bound existed may name more days than any key may live
            int days = Math.min(policy.maxExpiryDays(), Limits.MAX_KEY_LIFETIME_DAYS);
            if (expiresAt == null) {
                unfit.add("it never expires, the policy's keys live at most " + days + " days");
            } else if (expiresAt.isAfter(now.plus(Duration.ofDays(days)))) {
                unfit.add("it expires at " + expiresAt + ", later than the policy's " + days
                        + " days from the move");
            }
        }
        limit(unfit, "request", limits.requestsPerMinute(), policy.requestsPerMinute());
        limit(unfit, "token", limits.tokensPerMinute(), policy.tokensPerMinute());
        return unfit;
    }

    private static void limit(List<String> unfit, String what, Long own, Long policys) {
        if (policys == null) {
            return;
        }
        if (own == null) {
            unfit.add("it has no " + what + " limit, the policy's is " + policys + " a minute");
        } else if (own > policys) {
            unfit.add("its " + what + " limit is " + own + " a minute, the policy's " + policys);
        }
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
        allowedModels = event.allowedModels();
        expiresAt = event.expiresAt();
        limits = event.limits();
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
