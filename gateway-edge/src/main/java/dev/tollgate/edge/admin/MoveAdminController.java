package dev.tollgate.edge.admin;

import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.membership.MoveProcess;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.UserView;
import dev.tollgate.query.support.Blocking;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jooq.impl.DSL;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Set;

import static dev.tollgate.edge.admin.AdminSupport.requireReason;

/** Moving a member to another team (docs/adr/0008): admins, and managers of both teams. */
@RestController
@Tag(name = "Admin", description = "Teams, users and budgets")
public class MoveAdminController {

    private final MoveProcess moves;
    private final DirectoryQueries directory;
    private final ApiKeyAuthenticator authenticator;

    public MoveAdminController(MoveProcess moves, DirectoryQueries directory, ApiKeyAuthenticator authenticator) {
        this.moves = moves;
        this.directory = directory;
        this.authenticator = authenticator;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MoveBody(@Schema(example = "math101", requiredMode = Schema.RequiredMode.REQUIRED) String toTeam,
                           @Schema(description = "Their tags in the new team; their tags follow them when absent")
                           List<String> tags,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }

    @PostMapping("/admin/users/{userId}/move")
    @Operation(summary = "Move a member to another team: the new team opens their account at its member budget, "
            + "their tags and the keys they made themselves follow (keys an admin or manager issued them are "
            + "revoked), and their account in the old team closes once their requests in flight "
            + "there have ended; their history stays (admins, and managers of both teams)")
    public Mono<UserView> move(@PathVariable String userId, @RequestBody MoveBody body, ServerWebExchange exchange) {
        if (body.toTeam() == null || body.toTeam().isBlank()) {
            throw ApiError.invalidRequest("'to_team' is required.", "to_team");
        }
        requireReason(body.reason(), "move");
        Set<String> tags = body.tags() == null ? null : AdminController.tags(body.tags());
        return Blocking.query(() -> {
            UserView user = directory.user(userId).orElseThrow(() -> ApiError.notFound("No user '" + userId + "'."));
            Principal principal = Access.requireManagerOfAll(exchange, List.of(user.teamId(), body.toTeam()),
                    "move user '" + userId + "' from team '" + user.teamId() + "' to team '" + body.toTeam() + "'");
            if (user.removedAt() != null) {
                throw ApiError.conflict("User '" + userId + "' was removed from team '" + user.teamId()
                        + "': register them in the new team instead.");
            }
            if (user.teamId().equals(body.toTeam())) {
                throw ApiError.invalidRequest("User '" + userId + "' is a member of team '" + body.toTeam()
                        + "' already.", "to_team");
            }
            if (directory.team(body.toTeam()).isEmpty()) {
                throw ApiError.notFound("No team '" + body.toTeam() + "'.");
            }
            return moves.start(userId, user.teamId(), body.toTeam(), tags, principal.id(), body.reason());
        }).then(ReadModelWait.until(() -> directory.user(userId)
                .filter(user -> user.teamId().equals(body.toTeam()) && user.live() != null
                        && body.toTeam().equals(user.live().teamId())
                        // their keys followed (the last step before the old team closes their account)
                        && directory.keys(null, userId, DSL.noCondition()).stream()
                        .allMatch(key -> key.revokedAt() != null || key.teamId().equals(body.toTeam())))))
                // the directory shows the keys revoked in the move (those someone else issued them): refused here
                // from the answer on, like any revocation (on other nodes within the key cache's time)
                .doOnNext(user -> authenticator.forgetAll());
    }
}
