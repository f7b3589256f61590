package dev.tollgate.edge.sso;

import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Sessions;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Map;

/** Ends a person's SSO sessions at once, on every node (they sign in again to continue). */
@RestController
@Tag(name = "Sign-in", description = "Sign-in with the organisation's identity provider (OpenID Connect)")
public class SessionAdminController {

    private final Sessions sessions;
    private final DirectoryQueries directory;

    public SessionAdminController(Sessions sessions, DirectoryQueries directory) {
        this.sessions = sessions;
        this.directory = directory;
    }

    @DeleteMapping("/admin/users/{userId}/sessions")
    @Operation(summary = "End every SSO session of a user at once (admins; managers for their teams' members)")
    public Mono<Map<String, Object>> endSessions(@PathVariable String userId, ServerWebExchange exchange) {
        return Blocking.query(() -> directory.user(userId).map(user -> user.teamId()))
                .flatMap(Mono::justOrEmpty)
                .defaultIfEmpty("")
                .flatMap(teamId -> {
                    if (teamId.isEmpty()) {
                        Access.requireAdmin(exchange, "end the sessions of '" + userId + "'");
                    } else {
                        Access.requireManagerOf(exchange, teamId, "end sessions of members of team '" + teamId + "'");
                    }
                    return Blocking.query(() -> sessions.endAllOf(userId));
                })
                .map(ended -> Map.<String, Object>of("user_id", userId, "ended", ended));
    }
}
