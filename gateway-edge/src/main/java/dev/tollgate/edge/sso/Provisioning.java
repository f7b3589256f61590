package dev.tollgate.edge.sso;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.identity.ConfirmIdentity;
import dev.tollgate.api.identity.IdentityLink;
import dev.tollgate.api.identity.LinkIdentity;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetUserTags;
import dev.tollgate.edge.admin.ReadModelWait;
import dev.tollgate.edge.errors.OpenAiErrorHandler;
import dev.tollgate.edge.membership.MemberMoves;
import dev.tollgate.edge.membership.MemberRemoval;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.UserView;
import dev.tollgate.query.support.Blocking;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Provisioning follows the identity provider: at a member's sign-in, their identity is linked to their user id
 * (the first time: an {@code IdentityLinked} event naming the issuer and the groups that decided), they are
 * registered in the team their groups map to with the mapped tags (the team's member budget applies), their tags
 * follow their groups at every later sign-in, a changed team goes to {@link MemberMoves}, and groups that place a
 * member Tollgate provisioned in no team any more make them leave it ({@link #leaveIfProvisioned}). The name and email
 * travel only in the registration command, where they are sealed with the person's own key (docs/privacy.md).
 */
@Component
public class Provisioning {

    private static final Logger log = LoggerFactory.getLogger(Provisioning.class);

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final MemberMoves moves;
    private final MemberRemoval removal;

    public Provisioning(CommandGateway commands, DirectoryQueries directory, MemberMoves moves,
                        MemberRemoval removal) {
        this.commands = commands;
        this.directory = directory;
        this.moves = moves;
        this.removal = removal;
    }

    /**
     * The team the user is a member of (or was removed from), as the directory shows it: where their groups keep them
     * when they give several teams ({@link SsoRules#decide(java.util.Collection, String)}). Only a preference among
     * the teams the groups give, never a grant: a directory that lags can at worst choose another of them.
     */
    public Optional<String> currentTeam(String userId) {
        return directory.user(userId).map(UserView::teamId);
    }

    /**
     * Binds the user id to this identity (the first sign-in with it links them, {@code IdentityLinked}) or confirms
     * that it is theirs; fails with a conflict when the user id belongs to another identity. Every sign-in that
     * yields a user id passes here before its session starts: a staff member's (placed in no team: {@code teamId}
     * {@code null}) as a member's.
     */
    public Mono<IdentityLink> link(String issuer, String subject, String userId, String teamId,
                                   SsoRules.Decision decision) {
        return Mono.fromFuture(() -> commands.<IdentityLink>send(new LinkIdentity(LinkIdentity.identityId(userId),
                userId, issuer, subject, teamId, teamId == null ? Set.of() : decision.tags(),
                decision.decidingGroups(), "sso:" + userId)));
    }

    /**
     * Whether the user id is this identity's, for a sign-in that starts no session: links nothing (empty when the
     * user id was never linked); fails with a conflict when it belongs to another identity.
     */
    public Mono<IdentityLink> confirm(String issuer, String subject, String userId) {
        return Mono.fromFuture(() -> commands.<IdentityLink>send(new ConfirmIdentity(
                        LinkIdentity.identityId(userId), userId, issuer, subject)))
                .onErrorResume(failure -> OpenAiErrorHandler.unwrap(failure) instanceof AggregateNotFoundException,
                        failure -> Mono.empty());
    }

    /**
     * Provisioning follows the identity provider out of a team too: a member Tollgate provisioned (their identity was
     * linked at a sign-in that placed them in a team) whose groups, at this sign-in, place them in no team any more
     * leaves their team as an admin's removal would make them leave it — their sessions end, their keys are revoked,
     * the team removes them — by {@code sso:<user id>}. Someone whose identity was linked at a staff sign-in (an
     * admin may have made them a member by hand) keeps their membership. Completes once the directory shows it.
     */
    public Mono<Void> leaveIfProvisioned(IdentityLink link) {
        if (!link.placedInTeam()) {
            return Mono.empty();
        }
        String userId = link.userId();
        return Blocking.query(() -> directory.user(userId)
                        .filter(user -> user.removedAt() == null && user.live() != null).orElse(null))
                .flatMap(user -> removal.remove(user.teamId(), user.teamId(), userId, "sso:" + userId,
                                "signed in with the identity provider, and no group of theirs maps to a team any more")
                        .then(ReadModelWait.until(() -> directory.user(userId)
                                .filter(removed -> removed.removedAt() != null)))
                        .doOnSuccess(removed -> log.info("{} left team {}: no group of theirs maps to a team any more",
                                userId, user.teamId())))
                .then();
    }

    /**
     * Binds the identity ({@link #link}) and completes when the member is registered in their team (and the
     * directory shows it).
     */
    public Mono<Void> provision(String issuer, String subject, String userId, String name, String email,
                                SsoRules.Decision decision) {
        String actor = "sso:" + userId;
        String teamId = decision.teamId();
        Set<String> tags = decision.tags();
        Mono<Void> link = link(issuer, subject, userId, teamId, decision).then();
        Mono<Boolean> teamExists = Blocking.query(() -> directory.teamExists(teamId));
        return teamExists.flatMap(exists -> exists ? link
                        : Mono.error(CommandRefused.notFound("no team '" + teamId + "'")))
                .then(Blocking.query(() -> directory.user(userId)).flatMap(existing -> {
            if (existing.isEmpty() || existing.get().removedAt() != null && existing.get().teamId().equals(teamId)) {
                return register(teamId, userId, name, email, tags, actor);
            }
            UserView user = existing.get();
            if (!user.teamId().equals(teamId)) {
                // moved with their tags, which then follow the groups like everyone's
                return moves.move(userId, user.teamId(), teamId, actor, "the identity provider's groups place "
                                + userId + " in team " + teamId)
                        .then(Blocking.query(() -> directory.user(userId)))
                        .flatMap(moved -> followTags(teamId, userId, moved.map(UserView::tags).orElse(List.of()),
                                tags, actor));
            }
            return followTags(teamId, userId, user.tags(), tags, actor);
        }));
    }

    private Mono<Void> followTags(String teamId, String userId, List<String> current, Set<String> tags,
                                  String actor) {
        if (!Set.copyOf(current).equals(tags)) {
            return Mono.fromFuture(commands.send(new SetUserTags(teamId, userId, tags, actor,
                            "tags follow the identity provider's groups at sign-in")))
                    .then(ReadModelWait.until(() -> directory.user(userId)
                            .filter(view -> Set.copyOf(view.tags()).equals(tags))))
                    .then();
        }
        return Mono.empty();
    }

    /**
     * Registers the member. A parallel sign-in of the same person (their identity is linked and confirmed already) may
     * have registered them a moment before: when the team answers that they are already its member, this sign-in
     * goes on as a later one would (their tags follow the groups).
     */
    private Mono<Void> register(String teamId, String userId, String name, String email, Set<String> tags,
                                String actor) {
        Mono<UserView> member = ReadModelWait.until(() -> directory.user(userId)
                .filter(user -> teamId.equals(user.teamId()) && user.live() != null && user.removedAt() == null));
        return Mono.fromFuture(commands.send(new RegisterUser(teamId, userId, null, name, email, null, tags, actor)))
                .then(member)
                .then()
                .onErrorResume(Provisioning::alreadyAMember,
                        failure -> member.flatMap(user -> followTags(teamId, userId, user.tags(), tags, actor)));
    }

    /** The team's refusal of a registration because the user is its member already (the team decides, not the directory). */
    private static boolean alreadyAMember(Throwable failure) {
        return OpenAiErrorHandler.unwrap(failure) instanceof CommandRefused refused
                && refused.reason() == CommandRefused.Reason.CONFLICT
                && RegisterUser.ALREADY_A_MEMBER.equals(refused.code());
    }
}
