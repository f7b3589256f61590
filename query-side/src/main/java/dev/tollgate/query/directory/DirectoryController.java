package dev.tollgate.query.directory;

import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.NotFound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

/** Read side of the admin routes: teams, users and keys (never a key's secret or hash). */
@RestController
@Tag(name = "Admin: directory", description = "Teams, users and keys")
public class DirectoryController {

    private final DirectoryQueries queries;

    public DirectoryController(DirectoryQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/admin/teams")
    @Operation(summary = "All teams with their budgets")
    public Mono<Map<String, Object>> teams() {
        return Blocking.query(() -> list(queries.teams()));
    }

    @GetMapping("/admin/teams/{teamId}")
    @Operation(summary = "One team with its budgets and live budget")
    public Mono<TeamView> team(@PathVariable String teamId) {
        return Blocking.query(() -> queries.team(teamId).orElseThrow(() -> new NotFound("No team '" + teamId + "'.")));
    }

    @GetMapping("/admin/users")
    @Operation(summary = "Users, optionally of one team")
    public Mono<Map<String, Object>> users(@RequestParam(name = "team_id", required = false) String teamId) {
        return Blocking.query(() -> list(queries.users(teamId)));
    }

    @GetMapping("/admin/users/{userId}")
    @Operation(summary = "One user with their live budget")
    public Mono<UserView> user(@PathVariable String userId) {
        return Blocking.query(() -> queries.user(userId).orElseThrow(() -> new NotFound("No user '" + userId + "'.")));
    }

    @GetMapping("/admin/keys")
    @Operation(summary = "Keys, optionally of one team or user (no secrets)")
    public Mono<Map<String, Object>> keys(@RequestParam(name = "team_id", required = false) String teamId,
                                          @RequestParam(name = "user_id", required = false) String userId) {
        return Blocking.query(() -> list(queries.keys(teamId, userId)));
    }

    @GetMapping("/admin/keys/{keyId}")
    @Operation(summary = "One key (no secret)")
    public Mono<KeyView> key(@PathVariable String keyId) {
        return Blocking.query(() -> queries.key(keyId).orElseThrow(() -> new NotFound("No key '" + keyId + "'.")));
    }

    private static Map<String, Object> list(List<?> data) {
        return Map.of("object", "list", "data", data);
    }
}
