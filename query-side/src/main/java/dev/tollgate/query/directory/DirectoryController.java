package dev.tollgate.query.directory;

import dev.tollgate.query.access.ForbiddenRead;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.NotFound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.API_KEYS;
import static dev.tollgate.readmodel.Tables.TEAMS;
import static dev.tollgate.readmodel.Tables.USERS;

/**
 * Read side of the admin routes: teams, users, keys and credentials (never a secret or its hash). A manager sees
 * their teams only; asking for another team's is a 403.
 */
@RestController
@Tag(name = "Admin: directory", description = "Teams, users, keys and credentials")
public class DirectoryController {

    private final DirectoryQueries queries;

    public DirectoryController(DirectoryQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/admin/teams")
    @Operation(summary = "Teams with their budgets (a manager's teams only)")
    public Mono<Map<String, Object>> teams(ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> list(queries.teams(scope.teamCondition(TEAMS.TEAM_ID))));
    }

    @GetMapping("/admin/teams/{teamId}")
    @Operation(summary = "One team with its budgets and live budget")
    public Mono<TeamView> team(@PathVariable String teamId, ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            scope.requireTeam(teamId, "team '" + teamId + "'");
            return queries.team(teamId).orElseThrow(() -> new NotFound("No team '" + teamId + "'."));
        });
    }

    @GetMapping("/admin/users")
    @Operation(summary = "Users, optionally of one team, or carrying a tag")
    public Mono<Map<String, Object>> users(@RequestParam(name = "team_id", required = false) String teamId,
                                           @RequestParam(required = false) String tag,
                                           ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            if (teamId != null) {
                scope.requireTeam(teamId, "the users of team '" + teamId + "'");
            }
            if (tag != null) {
                return list(queries.usersTagged(tag).stream()
                        .filter(u -> scope.seesTeam(u.teamId()) && (teamId == null || teamId.equals(u.teamId())))
                        .toList());
            }
            return list(queries.users(teamId, scope.teamCondition(USERS.TEAM_ID)));
        });
    }

    @GetMapping("/admin/users/{userId}")
    @Operation(summary = "One user with their live budget")
    public Mono<UserView> user(@PathVariable String userId, ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            UserView user = queries.user(userId).orElseThrow(() -> new NotFound("No user '" + userId + "'."));
            scope.requireTeam(user.teamId(), "user '" + userId + "'");
            return user;
        });
    }

    @GetMapping("/admin/keys")
    @Operation(summary = "Keys, optionally of one team or user (no secrets)")
    public Mono<Map<String, Object>> keys(@RequestParam(name = "team_id", required = false) String teamId,
                                          @RequestParam(name = "user_id", required = false) String userId,
                                          ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            if (teamId != null) {
                scope.requireTeam(teamId, "the keys of team '" + teamId + "'");
            }
            return list(queries.keys(teamId, userId, scope.teamCondition(API_KEYS.TEAM_ID)));
        });
    }

    @GetMapping("/admin/keys/{keyId}")
    @Operation(summary = "One key (no secret)")
    public Mono<KeyView> key(@PathVariable String keyId, ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            KeyView key = queries.key(keyId).orElseThrow(() -> new NotFound("No key '" + keyId + "'."));
            scope.requireTeam(key.teamId(), "key '" + keyId + "'");
            return key;
        });
    }

    @GetMapping("/admin/credentials")
    @Operation(summary = "Administrative credentials and their roles (admin and finance)")
    public Mono<Map<String, Object>> credentials(ServerWebExchange exchange) {
        requireEverything(exchange);
        return Blocking.query(() -> list(queries.credentials()));
    }

    @GetMapping("/admin/credentials/{credentialId}")
    @Operation(summary = "One administrative credential (admin and finance)")
    public Mono<CredentialView> credential(@PathVariable String credentialId, ServerWebExchange exchange) {
        requireEverything(exchange);
        return Blocking.query(() -> queries.credential(credentialId)
                .orElseThrow(() -> new NotFound("No credential '" + credentialId + "'.")));
    }

    private static void requireEverything(ServerWebExchange exchange) {
        if (!ReadScope.of(exchange).everything()) {
            throw new ForbiddenRead("Credentials are read by admins and finance only.");
        }
    }

    private static Map<String, Object> list(List<?> data) {
        return Map.of("object", "list", "data", data);
    }
}
