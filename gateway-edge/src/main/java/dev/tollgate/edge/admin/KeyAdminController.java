package dev.tollgate.edge.admin;

import dev.tollgate.api.Limits;
import dev.tollgate.api.key.ConfirmKeyTeam;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.IssueMemberKey;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.key.RotateKey;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.input.InputLists;
import dev.tollgate.edge.input.InputText;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.edge.security.KeySecrets;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.edge.wire.RequestTags;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyView;
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

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.tollgate.edge.admin.AdminSupport.send;

/** API keys: issue (with limits, a budget of their own, metadata, default tags), rotate, budget, revoke. */
@RestController
@Tag(name = "Admin: keys", description = "API keys for users and teams")
public class KeyAdminController {

    private static final int MAX_LABELS = 20;

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final ModelCatalog catalog;
    private final ApiKeyAuthenticator authenticator;

    public KeyAdminController(CommandGateway commands, DirectoryQueries directory, ModelCatalog catalog,
                              ApiKeyAuthenticator authenticator) {
        this.commands = commands;
        this.directory = directory;
        this.catalog = catalog;
        this.authenticator = authenticator;
    }

    @PostMapping("/admin/keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Issue an API key for a user, or a team key (the secret is in the answer, only this once)")
    public Mono<Map<String, Object>> issueKey(@RequestBody AdminRequests.IssueKeyBody body,
                                              ServerWebExchange exchange) {
        List<String> models = InputLists.lines(body.allowedModels(), Limits.TEXT, "allowed_models");
        for (String model : models) {
            if (catalog.find(model).isEmpty()) {
                throw ApiError.invalidRequest("Unknown model '" + model + "' in allowed_models.", "allowed_models");
            }
        }
        if (body.expiresAt() != null && !body.expiresAt().isAfter(Instant.now())) {
            throw ApiError.invalidRequest("'expires_at' is in the past.", "expires_at");
        }
        if (body.expiresAt() != null
                && body.expiresAt().isAfter(Instant.now().plus(Duration.ofDays(Limits.MAX_KEY_LIFETIME_DAYS)))) {
            throw ApiError.invalidRequest("'expires_at' is at most " + Limits.MAX_KEY_LIFETIME_DAYS
                    + " days from now.", "expires_at");
        }
        KeyLimits limits;
        try {
            limits = new KeyLimits(body.requestsPerMinute(), body.tokensPerMinute());
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidRequest("'requests_per_minute' and 'tokens_per_minute' are positive numbers.",
                    "requests_per_minute");
        }
        Map<String, String> metadata = labels(body.metadata(), "metadata");
        Map<String, String> defaultTags = labels(body.defaultTags(), "default_tags");
        Budget budget = AdminSupport.budget(body.budget());
        Mono<String> team = body.userId() != null
                ? Blocking.query(() -> directory.user(body.userId())
                .orElseThrow(() -> ApiError.notFound("No user '" + body.userId() + "'."))).map(user -> {
                    if (user.removedAt() != null) { // their key would be refused at every request
                        throw ApiError.conflict("User '" + user.id() + "' was removed from team '" + user.teamId()
                                + "': register them again before issuing a key.");
                    }
                    return user.teamId();
                })
                : body.teamId() == null
                ? Mono.error(ApiError.invalidRequest("Give 'user_id' (a user's key) or 'team_id' (a team key).",
                "team_id"))
                : Blocking.query(() -> {
                    if (!directory.teamExists(body.teamId())) {
                        throw ApiError.notFound("No team '" + body.teamId() + "'.");
                    }
                    return body.teamId();
                });
        String keyId = AdminSupport.newId("key");
        String secret = KeySecrets.newSecret();
        return team.flatMap(teamId -> {
            Principal principal = Access.requireManagerOf(exchange, teamId, "issue keys of team '" + teamId + "'");
            // after the check above: a caller who may not see the user's team learns nothing of it here
            if (body.userId() != null && body.teamId() != null && !body.teamId().equals(teamId)) {
                throw ApiError.invalidRequest("User '" + body.userId() + "' is not a member of team '" + body.teamId()
                        + "': a user's key is issued in their team (give 'user_id' alone).", "team_id");
            }
            Access.requireWithinCap(principal, budget, "the key's budget");
            IssueKey key = new IssueKey(keyId, KeySecrets.hash(secret), KeySecrets.displayPrefix(secret),
                    AdminSupport.name(body.name()),
                    teamId, body.userId(), models, body.expiresAt(), limits, metadata, defaultTags, principal.id());
            // a member's key is issued by their team, which refuses it unless they are a member at that moment
            Mono<Object> issued = send(commands, body.userId() != null ? new IssueMemberKey(teamId, key) : key);
            if (budget != null) { // only once the key is issued: a refused key gets no budget
                issued = issued.then(Mono.defer(() -> send(commands, new SetKeyBudget(teamId, keyId, budget,
                        principal.id(), "issued with a budget of its own"))));
            }
            return issued.then(keyAnswer(keyId, secret, teamId, body.userId()));
        });
    }

    @PostMapping("/admin/keys/{keyId}/rotate")
    @Operation(summary = "Give a key a new secret: same key, owner, limits, budget and history; the old secret "
            + "stops working (the new one is in the answer, only this once)")
    public Mono<Map<String, Object>> rotateKey(@PathVariable String keyId,
                                               @RequestBody(required = false) AdminRequests.ReasonBody body,
                                               ServerWebExchange exchange) {
        String secret = KeySecrets.newSecret();
        return key(keyId).flatMap(key -> {
            Principal principal = Access.requireManagerOf(exchange, key.teamId(), "rotate keys of team '"
                    + key.teamId() + "'");
            // the key refuses unless it is still in that team (it may have followed its owner to another since)
            return send(commands, new RotateKey(keyId, Access.expectedTeam(principal, key.teamId()),
                    KeySecrets.hash(secret), KeySecrets.displayPrefix(secret), principal.id(),
                    body == null ? null : body.reason()))
                    .then(ReadModelWait.until(() -> directory.key(keyId)
                            .filter(view -> view.displayPrefix().equals(KeySecrets.displayPrefix(secret)))))
                    .doOnNext(view -> authenticator.forgetAll())
                    .map(view -> {
                        Map<String, Object> answer = new LinkedHashMap<>();
                        answer.put("id", keyId);
                        answer.put("key", secret);
                        answer.put("display_prefix", view.displayPrefix());
                        answer.put("rotated_at", view.rotatedAt());
                        return answer;
                    });
        });
    }

    @PutMapping("/admin/keys/{keyId}/budget")
    @Operation(summary = "Give a key a budget of its own, change it, or remove it (remove: true)")
    public Mono<KeyView> setKeyBudget(@PathVariable String keyId, @RequestBody AdminRequests.KeyBudgetBody body,
                                      ServerWebExchange exchange) {
        AdminSupport.requireReason(body.reason(), "budget change");
        Budget budget = Boolean.TRUE.equals(body.remove()) ? null
                : AdminRequests.budget(body.limit(), body.period(), body.unlimited());
        return key(keyId).flatMap(key -> {
            Principal principal = Access.requireManagerOf(exchange, key.teamId(), "change budgets of team '"
                    + key.teamId() + "'");
            Access.requireWithinCap(principal, budget, "the key's budget");
            String expectedTeam = Access.expectedTeam(principal, key.teamId());
            // the team keeps the key's budget but does not know its keys: the key says whether it is still there
            Mono<Object> confirmed = expectedTeam == null ? Mono.empty()
                    : send(commands, new ConfirmKeyTeam(keyId, expectedTeam));
            // and again once the team recorded the budget: a move that landed between the two left it with a team
            // the key no longer draws on (the move cleared the team's budgets of the keys that left before it), so
            // it is taken back and the answer is the key's refusal
            Mono<Object> stillThere = send(commands, new ConfirmKeyTeam(keyId, key.teamId()))
                    .onErrorResume(moved -> send(commands, new SetKeyBudget(key.teamId(), keyId, null, principal.id(),
                            "taken back: the key left team '" + key.teamId() + "' as its budget was set"))
                            .then(Mono.error(moved)));
            return confirmed.then(Mono.defer(() -> send(commands, new SetKeyBudget(key.teamId(), keyId, budget,
                            principal.id(), body.reason()))))
                    .then(stillThere)
                    .then(ReadModelWait.until(() -> directory.key(keyId).filter(view -> budget == null
                            ? view.budget() == null
                            : view.budget() != null && Objects.equals(view.budget().period(), budget.period().wireName())
                            && Objects.equals(view.budget().limit(), budget.limit() == null ? null
                            : budget.limit().toDecimalString()))));
        });
    }

    @DeleteMapping("/admin/keys/{keyId}")
    @Operation(summary = "Revoke a key: refused from then on (on every node within a second)")
    public Mono<KeyView> revokeKey(@PathVariable String keyId, @RequestParam(required = false) String reason,
                                   ServerWebExchange exchange) {
        return key(keyId).flatMap(key -> {
                    Principal principal = Access.requireManagerOf(exchange, key.teamId(), "revoke keys of team '"
                            + key.teamId() + "'");
                    return send(commands, new RevokeKey(keyId, Access.expectedTeam(principal, key.teamId()),
                            principal.id(), reason));
                })
                .then(ReadModelWait.until(() -> directory.key(keyId).filter(key -> key.revokedAt() != null)))
                .doOnNext(key -> authenticator.forgetAll());
    }

    private Mono<KeyView> key(String keyId) {
        return Blocking.query(() -> directory.key(keyId).orElseThrow(() -> ApiError.notFound("No key '" + keyId + "'.")));
    }

    /**
     * The answer to a key issue, with the secret: the only time it is ever shown. It waits until the key works
     * (the read model shows it); if that takes too long the secret is still returned, never lost, with
     * {@code ready: false}.
     */
    private Mono<Map<String, Object>> keyAnswer(String keyId, String secret, String teamId, String userId) {
        return ReadModelWait.until(() -> directory.key(keyId))
                .map(java.util.Optional::of)
                .onErrorResume(ApiError.class, lagging -> Mono.just(java.util.Optional.empty()))
                .map(view -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("id", keyId);
                    answer.put("key", secret);
                    answer.put("display_prefix", KeySecrets.displayPrefix(secret));
                    answer.put("team_id", teamId);
                    answer.put("user_id", userId);
                    answer.put("ready", view.isPresent());
                    view.ifPresent(key -> {
                        answer.put("name", key.name());
                        answer.put("allowed_models", key.allowedModels());
                        answer.put("expires_at", key.expiresAt());
                        answer.put("requests_per_minute", key.requestsPerMinute());
                        answer.put("tokens_per_minute", key.tokensPerMinute());
                        answer.put("metadata", key.metadata());
                        answer.put("default_tags", key.defaultTags());
                    });
                    return answer;
                });
    }

    private static Map<String, String> labels(Map<String, String> labels, String field) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw ApiError.invalidRequest("At most " + MAX_LABELS + " entries in '" + field + "'.", field);
        }
        labels.forEach((k, v) -> {
            if (k == null || k.isBlank() || k.length() > RequestTags.MAX_NAME || v == null
                    || v.length() > RequestTags.MAX_VALUE) {
                throw ApiError.invalidRequest("'" + field + "' maps names of 1 to " + RequestTags.MAX_NAME
                        + " characters to values of at most " + RequestTags.MAX_VALUE + ".", field);
            }
            if (InputText.hasControl(k) || InputText.hasControl(v)) {
                throw ApiError.invalidRequest("The names and values in '" + field + "' must not contain NUL or other "
                        + "control characters.", field);
            }
        });
        return Map.copyOf(labels);
    }
}
