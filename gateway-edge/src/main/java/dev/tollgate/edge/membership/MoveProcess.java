package dev.tollgate.edge.membership;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.keypolicy.KeyPolicySet;
import dev.tollgate.api.keypolicy.KeyPolicyTerms;
import dev.tollgate.api.keypolicy.SetKeyPolicy;
import dev.tollgate.api.move.AdmitMovedUser;
import dev.tollgate.api.move.CancelUserMove;
import dev.tollgate.api.move.CompleteUserMove;
import dev.tollgate.api.move.MoveKey;
import dev.tollgate.api.move.StartUserMove;
import dev.tollgate.api.move.UserMoveStarted;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.edge.security.Sessions;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyView;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import dev.tollgate.query.support.Blocking;
import reactor.core.publisher.Mono;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import static dev.tollgate.readmodel.Tables.AUDIT_LOG;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The process that moves a member between teams. Each step is an event of a Team (or a key) and the next step is
 * sent when the event is seen, by a tracking processor of its own: a move interrupted by a restart resumes where it
 * was, and every step ignores a repetition, so resuming never moves twice. Never replayed: it sends commands.
 * <ol>
 *     <li>{@code UserMoveStarted} in the old team: the new team is asked to admit them ({@code AdmitMovedUser}); if it
 *     refuses, the move is cancelled in the old team ({@code UserMoveCancelled}) and nothing else changes;</li>
 *     <li>{@code UserMovedIn} in the new team: the new team's key policy is read from the policy's own events
 *     (never a read model; the configured default when it has none) and carried in {@code MoveKey}, newest key
 *     first. The keys they made themselves that the policy allows as they are move ({@code KeyMoved}), at most its
 *     {@code max_keys}; the others, and those someone else issued them, are revoked by the key itself with the reason
 *     ({@code KeyRevoked}: it decides from its own history, never from a read model). Then the old team closes their
 *     account ({@code UserMovedOut}), at once or when their last request in flight there has ended. Their portal
 *     sessions of the team they left end first ({@code Sessions.endPortalSessionsOutside}): a session never acts for a
 *     team its member left; they sign in again for the new one.</li>
 * </ol>
 * A failure of a step other than the new team's refusal is handled by the processor's dead-letter queue
 * ({@code dlq.enabled} in application.yaml) and {@code deadletter.DeadLetterPolicy}: a transient one (the database
 * unreachable for a moment, another node appending to a team or a key first) is tried again until it passes; any other
 * (a bug, a command that always fails) parks the event, and an admin retries it once the cause is fixed
 * ({@code POST /admin/dead-letters/member-moves/retry}). Never skipped: a skipped step left the move under way for ever
 * (the member could never be moved again) or their keys in the old team.
 * <p>
 * A parked event holds back the later events of its sequence: Axon's default sequencing policy (per aggregate) makes
 * that the team whose event it is ({@code UserMoveStarted} the old team's, {@code UserMovedIn} the new team's), so the
 * later moves into or out of that team wait while moves between other teams go on. That order is the one a member's
 * successive moves need: moving on from a team starts with an event of that team, after the one that admitted them, so
 * it never overtakes their keys' following them in. The team's events this process does not handle (its spend) never
 * join the queue: Axon hands the dead-letter invoker only events a handler here takes, and queues an event behind a
 * parked one only when it does.
 */
@Component
@ProcessingGroup(MoveProcess.PROCESSING_GROUP)
public class MoveProcess implements MemberMoves {

    public static final String PROCESSING_GROUP = "member-moves";
    private static final Logger log = LoggerFactory.getLogger(MoveProcess.class);

    private static final Duration POLL = Duration.ofMillis(20);
    private static final long WAIT_POLLS = 500; // 10 s

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final ApiKeyAuthenticator authenticator;
    private final DSLContext dsl;
    private final TollgateProperties.Portal portalDefaults;
    private final EventStore eventStore;
    private final Sessions sessions;

    public MoveProcess(CommandGateway commands, DirectoryQueries directory, ApiKeyAuthenticator authenticator,
                       DSLContext dsl, TollgateProperties properties, EventStore eventStore, Sessions sessions) {
        this.commands = commands;
        this.directory = directory;
        this.authenticator = authenticator;
        this.dsl = dsl;
        this.sessions = sessions;
        this.portalDefaults = properties.portal();
        this.eventStore = eventStore;
    }

    /**
     * Moves {@code userId} with their tags (the sign-in with the identity provider calls this when a returning user's
     * groups place them in another team). Completes when the new team has admitted them and their keys followed;
     * fails with {@link MovePending} when the move cannot be made (the new team refused it, or another move of
     * theirs is under way).
     */
    @Override
    public Mono<Void> move(String userId, String fromTeam, String toTeam, String actor, String reason) {
        return Blocking.query(() -> start(userId, fromTeam, toTeam, null, actor, reason))
                .onErrorMap(CommandRefused.class, refused -> new MovePending("Your move to team '" + toTeam
                        + "' cannot be made now (" + refused.getMessage() + "): you stay in team '" + fromTeam
                        + "' until an admin moves you."))
                .flatMap(moveId -> Blocking.query(() -> state(moveId, userId, toTeam))
                        .repeatWhenEmpty(attempts -> attempts.delayElements(POLL).take(WAIT_POLLS)))
                .switchIfEmpty(Mono.error(() -> new MovePending("Your move to team '" + toTeam + "' is under way; "
                        + "sign in again in a moment.")))
                // the keys revoked in the move (issued by someone else) are refused on this node from now on
                .flatMap(done -> done ? Mono.<Void>fromRunnable(authenticator::forgetAll)
                        : Mono.error(new MovePending("Team '" + toTeam + "' did not admit you (see the audit "
                        + "trail): you stay in team '" + fromTeam + "' until an admin moves you.")));
    }

    /**
     * Starts moving {@code userId} with {@code tags} in the new team ({@code null}: their tags follow them); answers
     * the move's id once the start is recorded. The rest follows as events.
     */
    public String start(String userId, String fromTeam, String toTeam, Set<String> tags, String actor,
                        String reason) {
        String moveId = "move_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        commands.sendAndWait(new StartUserMove(fromTeam, moveId, userId, toTeam, tags, actor, reason));
        return moveId;
    }

    /**
     * {@code true}: moved and their keys followed (or, issued by someone else, were revoked); {@code false}:
     * cancelled; empty: under way.
     */
    private Boolean state(String moveId, String userId, String toTeam) {
        if (dsl.fetchExists(AUDIT_LOG, AUDIT_LOG.ACTION.eq("user.move_cancelled")
                .and(AUDIT_LOG.ENTITY_ID.eq(userId))
                .and(DSL.field("{0} ->> 'moveId'", String.class, AUDIT_LOG.DETAILS).eq(moveId)))) {
            return false;
        }
        boolean moved = directory.user(userId).filter(user -> user.teamId().equals(toTeam)).isPresent()
                && directory.keys(null, userId, DSL.noCondition()).stream()
                .allMatch(key -> key.revokedAt() != null || key.teamId().equals(toTeam));
        return moved ? Boolean.TRUE : null;
    }

    @EventHandler
    @DisallowReplay
    void on(UserMoveStarted event) {
        try {
            commands.sendAndWait(new AdmitMovedUser(event.toTeamId(), event.moveId(), event.userId(), event.teamId(),
                    event.externalId(), event.tags(), event.actor(), event.reason()));
        } catch (CommandRefused | AggregateNotFoundException refused) {
            // ids only: a refusal may name the person's external id, which is personal data
            log.info("Move {} of user {} to team {} refused by that team", event.moveId(), event.userId(),
                    event.toTeamId());
            commands.sendAndWait(new CancelUserMove(event.teamId(), event.moveId(), event.userId(),
                    "team '" + event.toTeamId() + "' refused: " + refused.getMessage()));
        }
    }

    @EventHandler
    @DisallowReplay
    void on(UserMovedIn event) {
        // a portal session of the team they left would go on reading and acting for it (its keys, its spend): it
        // ends before their keys follow, so it is gone when the move is answered; they sign in again for the new team
        int ended = sessions.endPortalSessionsOutside(event.userId(), event.teamId());
        if (ended > 0) {
            log.info("Move {} of user {} to team {}: {} portal session(s) of the team they left ended", event.moveId(),
                    event.userId(), event.teamId(), ended);
        }
        KeyPolicyTerms policy = keyPolicy(event.teamId());
        // newest first: each key decides whether it fits the new team's policy, and the newest that fit are kept
        List<KeyView> keys = directory.keys(event.fromTeamId(), event.userId(), DSL.noCondition()).stream()
                .filter(key -> key.revokedAt() == null)
                .sorted(Comparator.comparing(KeyView::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(KeyView::id).reversed())
                .toList();
        int followed = 0;
        for (KeyView key : keys) {
            Object answer = commands.sendAndWait(new MoveKey(key.id(), event.teamId(), event.moveId(), event.actor(),
                    policy, followed));
            if (Boolean.TRUE.equals(answer)) {
                followed++;
            }
            // a key's own budget is its team's: the team they left keeps none for a key that is no longer there
            commands.sendAndWait(new SetKeyBudget(event.fromTeamId(), key.id(), null, event.actor(),
                    "its owner moved to team '" + event.teamId() + "' (move " + event.moveId() + ")"));
        }
        // this node charges the moved keys to the new team, and refuses the revoked ones, at once
        authenticator.forgetAll();
        commands.sendAndWait(new CompleteUserMove(event.fromTeamId(), event.moveId(), event.userId()));
    }

    /**
     * The new team's key policy from the policy's own events in the event store (a read model could lag behind a
     * policy set just before the move), or the configured default when the team never set one. Read, not asked of
     * the aggregate by a command: a team without a policy has no aggregate, and a command failing with
     * {@code AggregateNotFoundException} inside this handler's unit of work was seen to undo the handler's own
     * writes to the read model's database.
     */
    private KeyPolicyTerms keyPolicy(String teamId) {
        KeyPolicyTerms terms = null;
        DomainEventStream events = eventStore.readEvents(SetKeyPolicy.policyId(teamId));
        while (events.hasNext()) {
            if (events.next().getPayload() instanceof KeyPolicySet set) {
                terms = KeyPolicyTerms.of(set);
            }
        }
        return terms != null ? terms : new KeyPolicyTerms(portalDefaults.defaultMaxKeys(),
                portalDefaults.defaultMaxExpiryDays(), List.of(), null, null);
    }
}
