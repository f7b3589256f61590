package dev.tollgate.edge.portal;

import dev.tollgate.api.Limits;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.IssueMemberKey;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.key.KeyOfAnotherTeam;
import dev.tollgate.api.key.RevokeKey;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.edge.admin.ReadModelWait;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.errors.OpenAiErrorHandler;
import dev.tollgate.edge.input.InputLists;
import dev.tollgate.edge.pricing.PriceBookCache;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.edge.security.KeySecrets;
import dev.tollgate.edge.security.Sessions;
import dev.tollgate.query.boost.BoostQueries;
import dev.tollgate.query.boost.BoostView;
import dev.tollgate.query.budget.BudgetQueries;
import dev.tollgate.query.budget.BudgetView;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyView;
import dev.tollgate.query.keypolicy.KeyPolicyQueries;
import dev.tollgate.query.keypolicy.KeyPolicyView;
import dev.tollgate.query.spend.MessageCostView;
import dev.tollgate.query.spend.SpendQueries;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.Csv;
import dev.tollgate.query.support.QueryParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.jooq.impl.DSL;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;

/**
 * The students' portal (docs/sso.md): a member signed in with the identity provider sees their budget, boosts and
 * every message's cost, and makes and revokes their own API keys within their team's key policy. Only ever their
 * own: every route reads the session's user and team (the route guard put them there), never an id from the request.
 */
@RestController
@Tag(name = "Portal", description = "A signed-in member's own budget, costs and keys")
public class PortalController {

    private static final int MAX_MESSAGES = 1000;

    private final DirectoryQueries directory;
    private final BudgetQueries budgets;
    private final BoostQueries boosts;
    private final SpendQueries spend;
    private final KeyPolicyQueries policies;
    private final ModelCatalog catalog;
    private final PriceBookCache prices;
    private final CommandGateway commands;
    private final ApiKeyAuthenticator authenticator;
    private final TollgateProperties.Portal defaults;
    private final Clock clock = Clock.systemUTC();

    public PortalController(DirectoryQueries directory, BudgetQueries budgets, BoostQueries boosts, SpendQueries spend,
                            KeyPolicyQueries policies, ModelCatalog catalog, PriceBookCache prices,
                            CommandGateway commands, ApiKeyAuthenticator authenticator,
                            TollgateProperties properties) {
        this.directory = directory;
        this.budgets = budgets;
        this.boosts = boosts;
        this.spend = spend;
        this.policies = policies;
        this.catalog = catalog;
        this.prices = prices;
        this.commands = commands;
        this.authenticator = authenticator;
        this.defaults = properties.portal();
    }

    private static Sessions.Session member(ServerWebExchange exchange) {
        Sessions.Session session = exchange.getAttribute(Sessions.ATTRIBUTE);
        if (session == null || session.teamId() == null) {
            throw ApiError.invalidApiKey("Sign in to the portal first.");
        }
        return session;
    }

    /** The key policy in force for a team: its own, or the configured default. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Policy(int maxKeys, Integer maxExpiryDays, List<String> allowedModels, Long requestsPerMinute,
                         Long tokensPerMinute, String source) {
    }

    private Policy policy(String teamId) {
        return policies.policy(teamId).map(PortalController::policy).orElse(new Policy(defaults.defaultMaxKeys(),
                defaults.defaultMaxExpiryDays(), List.of(), null, null, "default"));
    }

    private static Policy policy(KeyPolicyView view) {
        return new Policy(view.maxKeys(), view.maxExpiryDays(), view.allowedModels(), view.requestsPerMinute(),
                view.tokensPerMinute(), "team");
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Me(String userId, String teamId, String teamName, List<String> tags, BudgetView budget,
                     BudgetView teamBudget, List<BoostView> boosts, Policy keyPolicy, List<String> models,
                     Instant sessionExpiresAt) {
    }

    @GetMapping("/portal/api/me")
    @Operation(summary = "Your budget (what is left, when it resets), boosts, team and key policy")
    public Mono<Me> me(ServerWebExchange exchange) {
        Sessions.Session member = member(exchange);
        return Blocking.query(() -> {
            var user = directory.user(member.userId());
            Instant now = clock.instant();
            List<BoostView> mine = Stream.concat(
                            boosts.boosts("user:" + member.userId(), null, DSL.noCondition()).stream(),
                            boosts.boosts("team:" + member.teamId(), null, DSL.noCondition()).stream())
                    .filter(boost -> boost.endsAt() == null || boost.endsAt().isAfter(now))
                    .filter(boost -> boost.endedAt() == null)
                    .toList();
            Policy policy = policy(member.teamId());
            return new Me(member.userId(), member.teamId(),
                    directory.team(member.teamId()).map(team -> team.name()).orElse(member.teamId()),
                    user.map(view -> view.tags()).orElse(List.of()),
                    budgets.user(member.userId()).orElse(null), budgets.team(member.teamId()).orElse(null), mine,
                    policy, usableModels(policy), member.expiresAt());
        });
    }

    private List<String> usableModels(Policy policy) {
        return catalog.all().stream().map(CatalogModel::name)
                .filter(name -> policy.allowedModels().isEmpty() || policy.allowedModels().contains(name))
                .sorted().toList();
    }

    /** A message as the portal lists it: what it cost, and why. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Message(String requestId, Instant startedAt, String model, String keyId, String outcome,
                          Long promptTokens, Long completionTokens, Long cachedTokens, Long reasoningTokens,
                          String cost, String why) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Messages(List<Message> data, String typicalCost, boolean hasMore) {
    }

    @GetMapping("/portal/api/messages")
    @Operation(summary = "Your messages, newest first, with their cost and why (from, to, model filter)")
    public Mono<Messages> messages(@RequestParam(required = false) String from,
                                   @RequestParam(required = false) String to,
                                   @RequestParam(required = false) String model,
                                   ServerWebExchange exchange) {
        Sessions.Session member = member(exchange);
        return Blocking.query(() -> list(member, from, to, model));
    }

    @GetMapping("/portal/api/messages.csv")
    @Operation(summary = "Your messages as CSV (the same filters)")
    public Mono<ResponseEntity<String>> messagesCsv(@RequestParam(required = false) String from,
                                                    @RequestParam(required = false) String to,
                                                    @RequestParam(required = false) String model,
                                                    ServerWebExchange exchange) {
        Sessions.Session member = member(exchange);
        return Blocking.query(() -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Message message : list(member, from, to, model).data()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("request_id", message.requestId());
                row.put("started_at", message.startedAt());
                row.put("model", message.model());
                row.put("key_id", message.keyId());
                row.put("outcome", message.outcome());
                row.put("prompt_tokens", message.promptTokens());
                row.put("completion_tokens", message.completionTokens());
                row.put("cached_tokens", message.cachedTokens());
                row.put("reasoning_tokens", message.reasoningTokens());
                row.put("cost", message.cost());
                row.put("why", message.why());
                rows.add(row);
            }
            return Csv.of(List.of("request_id", "started_at", "model", "key_id", "outcome", "prompt_tokens",
                    "completion_tokens", "cached_tokens", "reasoning_tokens", "cost", "why"), rows)
                    .download("my-messages.csv");
        });
    }

    private Messages list(Sessions.Session member, String from, String to, String model) {
        SpendQueries.MessageFilter filter = new SpendQueries.MessageFilter(member.teamId(), member.userId(), null,
                QueryParams.instant("from", from), QueryParams.instant("to", to), Map.of(), null, MAX_MESSAGES,
                MESSAGE_COSTS.USER_ID.eq(member.userId()).and(MESSAGE_COSTS.TEAM_ID.eq(member.teamId()))
                        // in the query, not after it: the page is the newest messages of that model
                        .and(model == null || model.isBlank() ? DSL.noCondition() : MESSAGE_COSTS.MODEL.eq(model)));
        var page = spend.messages(filter);
        List<MessageCostView> shown = page.data();
        MessageCostView typical = CostExplanation.typical(shown);
        Map<String, BigDecimal[]> perMillion = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (MessageCostView message : shown) {
            if (message.model() != null && !perMillion.containsKey(message.model())) {
                prices.priceAt(message.model(), now).map(price -> price.price()).filter(p -> !p.free())
                        .filter(p -> p.input() != null && p.output() != null)
                        .ifPresent(p -> perMillion.put(message.model(), perMillion(p)));
            }
        }
        List<Message> data = shown.stream().map(message -> new Message(message.requestId(), message.startedAt(),
                message.model(), message.keyId(), message.outcome(),
                message.usage() == null ? null : message.usage().promptTokens(),
                message.usage() == null ? null : message.usage().completionTokens(),
                message.usage() == null ? null : message.usage().cachedTokens(),
                message.usage() == null ? null : message.usage().reasoningTokens(),
                message.adjustedCost() != null ? message.adjustedCost() : message.cost(),
                CostExplanation.explain(message, typical, perMillion))).toList();
        return new Messages(data, typical == null ? null : CostExplanation.cost(typical).toPlainString(),
                page.hasMore());
    }

    private static BigDecimal[] perMillion(ModelPrice price) {
        return new BigDecimal[]{price.input().perMillion(), price.output().perMillion()};
    }

    @GetMapping("/portal/api/keys")
    @Operation(summary = "Your API keys (never their secrets)")
    public Mono<List<KeyView>> keys(ServerWebExchange exchange) {
        Sessions.Session member = member(exchange);
        return Blocking.query(() -> directory.keys(member.teamId(), member.userId(), DSL.noCondition()));
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NewKey(String name, Integer expiresInDays, List<String> allowedModels) {
    }

    @PostMapping("/portal/api/keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Make yourself an API key within your team's key policy (the secret is shown only now)")
    public Mono<Map<String, Object>> createKey(@RequestBody NewKey body, ServerWebExchange exchange) {
        Sessions.Session member = member(exchange);
        String name = body.name() == null ? "" : body.name().trim();
        if (name.isEmpty() || !Limits.isLine(name, 100)) {
            throw ApiError.invalidRequest("Give the key a name of 1 to 100 characters on one line (e.g. \"laptop\").",
                    "name");
        }
        String keyId = "key_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String secret = KeySecrets.newSecret();
        return Blocking.query(() -> {
            Policy policy = policy(member.teamId());
            Instant now = clock.instant();
            List<KeyView> mine = directory.keys(member.teamId(), member.userId(), DSL.noCondition());
            Set<String> seen = mine.stream().map(KeyView::id).collect(Collectors.toSet());
            Set<String> live = mine.stream()
                    .filter(key -> key.revokedAt() == null)
                    .filter(key -> key.expiresAt() == null || key.expiresAt().isAfter(now))
                    .map(KeyView::id).collect(Collectors.toSet());
            // a quick answer; the team decides again with the keys it issued since (parallel requests)
            if (live.size() >= policy.maxKeys()) {
                throw ApiError.forbidden("key_limit_reached", "You have " + live.size() + " key(s); your team "
                        + "allows at most " + policy.maxKeys() + ". Revoke one you no longer use first.");
            }
            Integer days = body.expiresInDays();
            if (days != null && (days < 1 || days > Limits.MAX_KEY_LIFETIME_DAYS)) {
                throw ApiError.invalidRequest("'expires_in_days' is 1 to " + Limits.MAX_KEY_LIFETIME_DAYS + ".",
                        "expires_in_days");
            }
            if (policy.maxExpiryDays() != null) {
                // a policy set before the bound existed may name more days than any key may live
                int longest = Math.min(policy.maxExpiryDays(), Limits.MAX_KEY_LIFETIME_DAYS);
                if (days != null && days > longest) {
                    throw ApiError.invalidRequest("Your team's keys live at most " + longest + " days.",
                            "expires_in_days");
                }
                days = days == null ? longest : days;
            }
            List<String> models = InputLists.lines(body.allowedModels(), Limits.TEXT, "allowed_models");
            for (String model : models) {
                if (catalog.find(model).isEmpty()) {
                    throw ApiError.invalidRequest("Unknown model '" + model + "'.", "allowed_models");
                }
                if (!policy.allowedModels().isEmpty() && !policy.allowedModels().contains(model)) {
                    throw ApiError.invalidRequest("Your team's keys may not use '" + model + "'.", "allowed_models");
                }
            }
            if (models.isEmpty()) {
                models = policy.allowedModels();
            }
            Instant expiresAt = days == null ? null : now.plus(Duration.ofDays(days));
            // issued by the member's team, which refuses it unless they are a member at that moment holding fewer
            // than max_keys live keys (counting those it issued that were not seen here)
            return new IssueMemberKey(member.teamId(), new IssueKey(keyId, KeySecrets.hash(secret),
                    KeySecrets.displayPrefix(secret), name, member.teamId(), member.userId(), models, expiresAt,
                    new KeyLimits(policy.requestsPerMinute(), policy.tokensPerMinute()),
                    Map.of("made_in", "portal"), Map.of(), member.actor()), policy.maxKeys(), seen, live);
        }).flatMap(command -> Mono.fromFuture(commands.send(command)).thenReturn(command))
                .flatMap(command -> ReadModelWait.until(() -> directory.key(keyId)).map(view -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("id", keyId);
                    answer.put("key", secret);
                    answer.put("name", view.name());
                    answer.put("display_prefix", view.displayPrefix());
                    answer.put("expires_at", view.expiresAt());
                    answer.put("allowed_models", view.allowedModels());
                    answer.put("requests_per_minute", view.requestsPerMinute());
                    answer.put("tokens_per_minute", view.tokensPerMinute());
                    return answer;
                }));
    }

    @DeleteMapping("/portal/api/keys/{keyId}")
    @Operation(summary = "Revoke one of your keys: it stops working within a second")
    public Mono<KeyView> revokeKey(@PathVariable String keyId, ServerWebExchange exchange) {
        Sessions.Session member = member(exchange);
        Supplier<ApiError> notYours = () -> ApiError.notFound("You have no key '" + keyId + "'.");
        return Blocking.query(() -> directory.key(keyId)
                        .filter(key -> Objects.equals(key.userId(), member.userId())
                                && Objects.equals(key.teamId(), member.teamId()))
                        .orElseThrow(notYours))
                // the key refuses unless it is still in the member's team (it moved with them since, say)
                .flatMap(key -> key.revokedAt() != null ? Mono.just(key)
                        : Mono.fromFuture(() -> commands.send(new RevokeKey(keyId, member.teamId(), member.actor(),
                                "revoked by its owner in the portal")))
                        .onErrorMap(failure -> OpenAiErrorHandler.unwrap(failure) instanceof KeyOfAnotherTeam,
                                failure -> notYours.get())
                        .then(ReadModelWait.until(() -> directory.key(keyId).filter(k -> k.revokedAt() != null)))
                        .doOnNext(revoked -> authenticator.forgetAll()));
    }
}
