package dev.tollgate.edge.membership;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.team.RemoveUser;
import dev.tollgate.edge.errors.OpenAiErrorHandler;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.edge.security.Sessions;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyView;
import dev.tollgate.query.support.Blocking;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.stream.Collectors;

/**
 * Removes a member from their team (a student leaves the course): their sign-in sessions end, their keys are revoked,
 * then the team removes them, and their sessions end again (a sign-in in between). An admin's or manager's
 * {@code DELETE /admin/users/{id}} and a sign-in whose groups place a provisioned member in no team any more both
 * remove members here.
 */
@Component
public class MemberRemoval {

    /** How often a removal is tried again when a key was issued to the member while their keys were revoked. */
    private static final int REMOVAL_ATTEMPTS = 5;

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final ApiKeyAuthenticator authenticator;
    private final Sessions sessions;

    public MemberRemoval(CommandGateway commands, DirectoryQueries directory, ApiKeyAuthenticator authenticator,
                         Sessions sessions) {
        this.commands = commands;
        this.directory = directory;
        this.authenticator = authenticator;
        this.sessions = sessions;
    }

    /**
     * @param expectedTeam the team whose keys the actor may revoke ({@code null}: every team's, an admin)
     */
    public Mono<Void> remove(String teamId, String expectedTeam, String userId, String actor, String reason) {
        // their sessions first (no new portal request of theirs starts), and again once removed (a sign-in in between)
        return Blocking.query(() -> sessions.endAllOf(userId))
                .then(revokeKeysThenRemove(teamId, expectedTeam, userId, actor, reason, 1))
                .then(Blocking.query(() -> sessions.endAllOf(userId)))
                .doOnSuccess(done -> authenticator.forgetAll())
                .then();
    }

    /**
     * Their keys first: a key must never outlive its owner's membership, even if a step fails. The team refuses the
     * removal while it let them hold a live key not among those revoked here (one issued meanwhile): then the keys
     * are read and revoked again. Once removed, the team issues them no key, so none of theirs works again when they
     * are re-admitted.
     */
    private Mono<Object> revokeKeysThenRemove(String teamId, String expectedTeam, String userId, String actor,
                                              String reason, int attempt) {
        return Blocking.query(() -> directory.keys(teamId, userId, DSL.noCondition()))
                .flatMap(keys -> Flux.fromIterable(keys)
                        .filter(key -> key.revokedAt() == null)
                        .concatMap(key -> send(new RevokeKey(key.id(), expectedTeam, actor,
                                "user removed from the team: " + reason)))
                        .then(Mono.fromSupplier(() -> keys.stream().map(KeyView::id).collect(Collectors.toSet()))))
                .flatMap(ended -> send(new RemoveUser(teamId, userId, actor, reason, ended)))
                .onErrorResume(failure -> attempt < REMOVAL_ATTEMPTS
                                && OpenAiErrorHandler.unwrap(failure) instanceof CommandRefused refused
                                && refused.reason() == CommandRefused.Reason.CONFLICT,
                        failure -> revokeKeysThenRemove(teamId, expectedTeam, userId, actor, reason, attempt + 1));
    }

    private Mono<Object> send(Object command) {
        return Mono.fromFuture(() -> commands.send(command));
    }
}
