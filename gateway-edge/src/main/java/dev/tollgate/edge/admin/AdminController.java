package dev.tollgate.edge.admin;

import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.edge.auth.AdminAuthFilter;
import dev.tollgate.edge.auth.ApiKeyAuthenticator;
import dev.tollgate.edge.auth.KeySecrets;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyView;
import dev.tollgate.query.directory.TeamView;
import dev.tollgate.query.directory.UserView;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Admin changes: teams, users, budgets and keys. Each route sends a command to the ledger (recording who did it and
 * why), then answers with the resulting state once the read model shows it.
 */
@RestController
@Tag(name = "Admin", description = "Teams, users, budgets and keys (master key)")
public class AdminController {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+-]{0,99}");

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final ModelCatalog catalog;
    private final ApiKeyAuthenticator authenticator;

    public AdminController(CommandGateway commands, DirectoryQueries directory, ModelCatalog catalog,
                           ApiKeyAuthenticator authenticator) {
        this.commands = commands;
        this.directory = directory;
        this.catalog = catalog;
        this.authenticator = authenticator;
    }

    @PostMapping("/admin/teams")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a team with a budget and a default budget per member")
    public Mono<TeamView> createTeam(@RequestBody AdminRequests.CreateTeamBody body, ServerWebExchange exchange) {
        String teamId = id(body.id(), "team");
        CreateTeam command = new CreateTeam(teamId, body.name() == null ? teamId : body.name(),
                budget(body.budget()), budget(body.memberBudget()),
                body.overBudgetPolicy() == null ? OverBudgetPolicy.CLAMP
                        : OverBudgetPolicy.fromWireName(body.overBudgetPolicy()),
                AdminAuthFilter.actor(exchange), body.reason());
        return send(command).then(ReadModelWait.until(() -> directory.team(teamId).filter(team -> team.live() != null)));
    }

    @PutMapping("/admin/teams/{teamId}/budget")
    @Operation(summary = "Change a team's budget (and optionally its member budget and over-budget policy)")
    public Mono<TeamView> setTeamBudget(@PathVariable String teamId, @RequestBody AdminRequests.SetTeamBudgetBody body,
                                        ServerWebExchange exchange) {
        requireReason(body.reason());
        Budget budget = AdminRequests.budget(body.limit(), body.period(), body.unlimited());
        SetTeamBudget command = new SetTeamBudget(teamId, budget, budget(body.memberBudget()),
                body.overBudgetPolicy() == null ? null : OverBudgetPolicy.fromWireName(body.overBudgetPolicy()),
                AdminAuthFilter.actor(exchange), body.reason());
        Instant sent = Instant.now();
        return send(command).then(ReadModelWait.until(() -> directory.team(teamId)
                .filter(team -> !team.updatedAt().isBefore(sent) && team.live() != null
                        && !team.live().updatedAt().isBefore(sent))));
    }

    @PostMapping("/admin/users")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register a user in a team")
    public Mono<UserView> createUser(@RequestBody AdminRequests.CreateUserBody body, ServerWebExchange exchange) {
        if (body.teamId() == null || body.teamId().isBlank()) {
            throw ApiError.invalidRequest("'team_id' is required: a user belongs to a team.", "team_id");
        }
        String userId = id(body.id(), "user");
        RegisterUser command = new RegisterUser(body.teamId(), userId, body.externalId(), body.name(),
                budget(body.budget()), AdminAuthFilter.actor(exchange));
        // A user id names one person everywhere (budgets, spend, keys): refuse one that another team already has.
        return Blocking.query(() -> directory.user(userId))
                .flatMap(existing -> existing.isPresent()
                        ? Mono.error(ApiError.conflict("User '" + userId + "' already exists (team '"
                        + existing.get().teamId() + "'): user ids are unique across teams."))
                        : send(command))
                .then(ReadModelWait.until(() -> directory.user(userId).filter(user -> user.live() != null)));
    }

    @PutMapping("/admin/users/{userId}/budget")
    @Operation(summary = "Give a user their own budget, or return them to the team's member budget")
    public Mono<UserView> setUserBudget(@PathVariable String userId, @RequestBody AdminRequests.SetUserBudgetBody body,
                                        ServerWebExchange exchange) {
        requireReason(body.reason());
        Budget budget = Boolean.TRUE.equals(body.useTeamDefault()) ? null
                : AdminRequests.budget(body.limit(), body.period(), body.unlimited());
        Instant sent = Instant.now();
        return Blocking.query(() -> directory.user(userId)
                        .orElseThrow(() -> ApiError.notFound("No user '" + userId + "'.")))
                .flatMap(user -> send(new SetUserBudget(user.teamId(), userId, budget, AdminAuthFilter.actor(exchange),
                        body.reason())))
                .then(ReadModelWait.until(() -> directory.user(userId)
                        .filter(user -> !user.updatedAt().isBefore(sent) && user.live() != null
                                && !user.live().updatedAt().isBefore(sent))));
    }

    @PostMapping("/admin/keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Issue an API key for a user, or a team key (the secret is in the answer, only this once)")
    public Mono<Map<String, Object>> issueKey(@RequestBody AdminRequests.IssueKeyBody body,
                                                       ServerWebExchange exchange) {
        List<String> models = body.allowedModels() == null ? List.of() : body.allowedModels();
        for (String model : models) {
            if (catalog.find(model).isEmpty()) {
                throw ApiError.invalidRequest("Unknown model '" + model + "' in allowed_models.", "allowed_models");
            }
        }
        if (body.expiresAt() != null && !body.expiresAt().isAfter(Instant.now())) {
            throw ApiError.invalidRequest("'expires_at' is in the past.", "expires_at");
        }
        Mono<String> team = body.userId() != null
                ? Blocking.query(() -> directory.user(body.userId())
                .orElseThrow(() -> ApiError.notFound("No user '" + body.userId() + "'."))).map(UserView::teamId)
                : body.teamId() == null
                ? Mono.error(ApiError.invalidRequest("Give 'user_id' (a user's key) or 'team_id' (a team key).",
                "team_id"))
                : Blocking.query(() -> {
                    if (!directory.teamExists(body.teamId())) {
                        throw ApiError.notFound("No team '" + body.teamId() + "'.");
                    }
                    return body.teamId();
                });
        String keyId = "key_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String secret = KeySecrets.newSecret();
        return team.flatMap(teamId -> send(new IssueKey(keyId, KeySecrets.hash(secret), KeySecrets.displayPrefix(secret),
                                body.name(), teamId, body.userId(), models, body.expiresAt(),
                                AdminAuthFilter.actor(exchange)))
                        .then(keyAnswer(keyId, secret, teamId, body, models)));
    }

    /**
     * The answer to a key issue, with the secret: the only time it is ever shown. It waits until the key works
     * (the read model shows it); if that takes too long the secret is still returned, never lost, with
     * {@code ready: false}.
     */
    private Mono<Map<String, Object>> keyAnswer(String keyId, String secret, String teamId,
                                                AdminRequests.IssueKeyBody body, List<String> models) {
        return ReadModelWait.until(() -> directory.key(keyId))
                .map(key -> true)
                .onErrorResume(ApiError.class, lagging -> Mono.just(false))
                .map(ready -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("id", keyId);
                    answer.put("key", secret);
                    answer.put("display_prefix", KeySecrets.displayPrefix(secret));
                    answer.put("name", body.name());
                    answer.put("team_id", teamId);
                    answer.put("user_id", body.userId());
                    answer.put("allowed_models", models);
                    answer.put("expires_at", body.expiresAt());
                    answer.put("ready", ready);
                    return answer;
                });
    }

    @DeleteMapping("/admin/keys/{keyId}")
    @Operation(summary = "Revoke a key: refused from then on (on every node within a second)")
    public Mono<KeyView> revokeKey(@PathVariable String keyId, @RequestParam(required = false) String reason,
                                   ServerWebExchange exchange) {
        return Blocking.query(() -> directory.key(keyId).orElseThrow(() -> ApiError.notFound("No key '" + keyId + "'.")))
                .flatMap(key -> send(new RevokeKey(keyId, AdminAuthFilter.actor(exchange), reason)))
                .then(ReadModelWait.until(() -> directory.key(keyId).filter(key -> key.revokedAt() != null)))
                .doOnNext(key -> authenticator.forgetAll());
    }

    private Mono<Object> send(Object command) {
        return Mono.fromFuture(commands.send(command));
    }

    private static Budget budget(AdminRequests.BudgetBody body) {
        return body == null ? null : body.toBudget();
    }

    private static String id(String requested, String kind) {
        if (requested == null || requested.isBlank()) {
            return kind + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        }
        if (!ID.matcher(requested).matches()) {
            throw ApiError.invalidRequest("An id is 1 to 100 letters, digits and . _ @ : + - (starting with a letter "
                    + "or digit), not '" + requested + "'.", "id");
        }
        return requested;
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw ApiError.invalidRequest("A 'reason' is required for every budget change: it goes to the audit "
                    + "trail.", "reason");
        }
    }
}
