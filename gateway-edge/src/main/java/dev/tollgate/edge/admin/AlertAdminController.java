package dev.tollgate.edge.admin;

import dev.tollgate.api.InvalidValue;
import dev.tollgate.api.Limits;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.alert.RegisterWebhookEndpoint;
import dev.tollgate.api.alert.RemoveThreshold;
import dev.tollgate.api.alert.RemoveWebhookEndpoint;
import dev.tollgate.api.alert.SetThreshold;
import dev.tollgate.api.alert.ThresholdKind;
import dev.tollgate.api.alert.ThresholdScope;
import dev.tollgate.edge.alert.WebhookDispatcher;
import dev.tollgate.edge.alert.WebhookSecrets;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.errors.OpenAiErrorHandler;
import dev.tollgate.edge.input.InputLists;
import dev.tollgate.edge.outbound.OutboundException;
import dev.tollgate.edge.outbound.OutboundHttp;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.alert.AlertQueries;
import dev.tollgate.query.alert.AlertViews.DeliveryView;
import dev.tollgate.query.alert.AlertViews.EndpointView;
import dev.tollgate.query.alert.AlertViews.ThresholdView;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.QueryParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.tollgate.edge.admin.AdminSupport.send;

/**
 * Thresholds on budgets, the alerts they raise, and the webhooks that carry them (docs/alerts.md). Admins, and
 * managers for their teams. A webhook's signing secret is answered once, when it is registered; afterwards only its
 * fingerprint is shown.
 */
@RestController
@Tag(name = "Admin: alerts", description = "Budget thresholds, alerts, webhooks and their delivery log")
public class AlertAdminController {

    private static final Logger log = LoggerFactory.getLogger(AlertAdminController.class);
    private static final int MAX_LIST = 1000;

    private final CommandGateway commands;
    private final AlertQueries alerts;
    private final DirectoryQueries directory;
    private final WebhookSecrets secrets;
    private final WebhookDispatcher dispatcher;
    private final OutboundHttp outbound;

    public AlertAdminController(CommandGateway commands, AlertQueries alerts, DirectoryQueries directory,
                                WebhookSecrets secrets, WebhookDispatcher dispatcher, OutboundHttp outbound) {
        this.commands = commands;
        this.alerts = alerts;
        this.directory = directory;
        this.secrets = secrets;
        this.dispatcher = dispatcher;
        this.outbound = outbound;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ThresholdBody(
            @Schema(example = "cs101", description = "Required but for scope tag (then: every team with a member "
                    + "carrying the tag)") String teamId,
            @Schema(example = "warn-80", description = "Generated when absent") String id,
            @Schema(example = "user", allowableValues = {"team", "user", "key", "tag"}) String scope,
            @Schema(example = "alice", description = "The user, key or tag; absent for scope team") String subject,
            @Schema(example = "percent", allowableValues = {"percent", "run_out"}) String kind,
            @Schema(example = "80", description = "Percent of the effective limit (limit plus active boosts)")
            Integer percent,
            @Schema(example = "warn students before they run out") String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WebhookBody(
            @Schema(example = "https://hooks.example.edu/tollgate") String url,
            @Schema(description = "Teams whose alerts it receives; absent or empty: every team (admins only)")
            List<String> teams,
            @Schema(example = "id", description = "Generated when absent") String id,
            String description,
            String reason) {
    }

    // ------------------------------------------------------------------ thresholds

    @PostMapping("/admin/thresholds")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Set a threshold on a team, a user, a key or a tag cohort: percent of the effective limit, "
            + "or run_out (projected to run out before the period ends)")
    public Mono<Map<String, Object>> setThreshold(@RequestBody ThresholdBody body, ServerWebExchange exchange) {
        AdminSupport.requireReason(body.reason(), "threshold");
        ThresholdScope scope = parse(() -> ThresholdScope.fromWireName(body.scope()), "scope");
        ThresholdKind kind = body.kind() == null ? ThresholdKind.PERCENT
                : parse(() -> ThresholdKind.fromWireName(body.kind()), "kind");
        if (kind == ThresholdKind.PERCENT && body.percent() == null) {
            throw ApiError.invalidRequest("A percent threshold needs 'percent' (1 to 1000).", "percent");
        }
        if (scope != ThresholdScope.TEAM && (body.subject() == null || body.subject().isBlank())) {
            throw ApiError.invalidRequest("A " + scope.wireName() + " threshold needs a 'subject' (the "
                    + scope.wireName() + ").", "subject");
        }
        String thresholdId = AdminSupport.id(body.id(), "threshold");
        int percent = body.percent() == null ? 0 : body.percent();
        return Blocking.query(() -> teamsOf(body, scope)).flatMap(teams -> {
            Principal principal = Access.requireManagerOfAll(exchange, teams, "set a threshold");
            return Flux.fromIterable(teams)
                    .concatMap(teamId -> send(commands, new SetThreshold(teamId, thresholdId, scope,
                            scope == ThresholdScope.TEAM ? null : body.subject(), kind, percent, principal.id(),
                            body.reason())))
                    .then(ReadModelWait.until(() -> {
                        List<ThresholdView> set = teams.stream()
                                .map(teamId -> alerts.threshold(teamId, thresholdId)).flatMap(Optional::stream)
                                .toList();
                        return set.size() == teams.size() ? Optional.of(Map.<String, Object>of("id", thresholdId,
                                "thresholds", set)) : Optional.empty();
                    }));
        });
    }

    @GetMapping("/admin/thresholds")
    @Operation(summary = "The thresholds you may see (?team_id= for one team)")
    public Mono<Map<String, Object>> thresholds(@RequestParam(name = "team_id", required = false) String teamId,
                                                ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> Map.of("data", alerts.thresholds(teamId, scope)));
    }

    @DeleteMapping("/admin/thresholds/{teamId}/{thresholdId}")
    @Operation(summary = "Remove a threshold (with ?reason=)")
    public Mono<Map<String, Object>> removeThreshold(@PathVariable String teamId, @PathVariable String thresholdId,
                                                     @RequestParam(required = false) String reason,
                                                     ServerWebExchange exchange) {
        AdminSupport.requireReason(reason, "threshold removal (?reason=...)");
        Principal principal = Access.requireManagerOf(exchange, teamId, "remove a threshold");
        return send(commands, new RemoveThreshold(teamId, thresholdId, principal.id(), reason))
                .then(ReadModelWait.until(() -> alerts.threshold(teamId, thresholdId).isPresent() ? Optional.empty()
                        : Optional.of(Map.<String, Object>of("id", thresholdId, "removed", true))));
    }

    @GetMapping("/admin/alerts")
    @Operation(summary = "Thresholds crossed, newest first (?team_id=, ?limit=)")
    public Mono<Map<String, Object>> alerts(@RequestParam(name = "team_id", required = false) String teamId,
                                            @RequestParam(required = false) String limit,
                                            ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> Map.<String, Object>of("data",
                alerts.alerts(teamId, limit(limit), scope)));
    }

    // ------------------------------------------------------------------ webhooks

    @PostMapping("/admin/webhooks")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register a webhook endpoint; the answer carries its signing secret, shown only this once")
    public Mono<Map<String, Object>> registerWebhook(@RequestBody WebhookBody body, ServerWebExchange exchange) {
        AdminSupport.requireReason(body.reason(), "webhook");
        Set<String> teams = new TreeSet<>(InputLists.ids(body.teams(), Limits.ID, "teams"));
        Principal principal = teams.isEmpty() ? Access.requireAdmin(exchange, "receive every team's alerts")
                : Access.requireManagerOfAll(exchange, teams, "receive these teams' alerts");
        String endpointId = AdminSupport.id(body.id(), "webhook");
        String secret = WebhookSecrets.newSecret();
        String fingerprint = WebhookSecrets.fingerprint(secret);
        return Blocking.query(() -> {
            try {
                outbound.check(body.url());
            } catch (OutboundException e) {
                throw ApiError.invalidRequest("Tollgate does not send webhooks to this URL: " + e.getMessage() + ".",
                        "url");
            }
            // a quick answer only: the endpoint's aggregate and the event store decide, below (a removed endpoint's id
            // is registered again)
            if (alerts.endpoint(endpointId).filter(endpoint -> endpoint.removedAt() == null).isPresent()) {
                throw new ApiError(HttpStatus.CONFLICT, "invalid_request_error", "conflict", "id",
                        "A webhook endpoint '" + endpointId + "' exists already.");
            }
            // kept before the command, so that the registration the event store accepts always finds its secret; a
            // node that stops in between leaves a secret that no registration names, which blocks nothing
            secrets.store(endpointId, secret);
            return endpointId;
        }).flatMap(id -> send(commands, new RegisterWebhookEndpoint(id, body.url(), teams, body.description(),
                        fingerprint, principal.id(), body.reason()))
                        // not registered (of racing registrations one is recorded): its secret goes
                        .onErrorResume(failed -> Blocking.query(() -> {
                            secrets.discard(id, secret);
                            return id;
                        }).then(Mono.error(isTaken(OpenAiErrorHandler.unwrap(failed)) ? taken(id) : failed))))
                .then(Blocking.query(() -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("endpoint", alerts.endpoint(endpointId).orElseThrow());
                    answer.put("secret", secret);
                    return answer;
                }))
                .flatMap(answer -> Blocking.query(() -> {
                    secrets.keepOnly(endpointId, secret);
                    return answer;
                }).onErrorResume(failed -> {
                    // only tidiness: the endpoint is registered, and its caller must see its secret
                    log.warn("Webhook endpoint '{}' is registered; the other secrets kept for its id stay: {}",
                            endpointId, failed.toString());
                    return Mono.just(answer);
                }));
    }

    /**
     * The registration lost: the endpoint is registered and not removed (the aggregate refused it, or, racing across
     * nodes, the event store refused the second append to its stream: the first to a new stream, or the next one to a
     * removed endpoint's), or the id is another record's stream (Axon does not load it as an endpoint).
     */
    private static boolean isTaken(Throwable failure) {
        return failure instanceof AggregateStreamCreationException || failure instanceof ConcurrencyException
                || failure instanceof IncompatibleAggregateException
                || failure instanceof CommandRefused refused && refused.reason() == CommandRefused.Reason.CONFLICT;
    }

    private static ApiError taken(String endpointId) {
        return new ApiError(HttpStatus.CONFLICT, "invalid_request_error", "conflict", "id",
                "The id '" + endpointId + "' is taken already (by a webhook endpoint or another record).");
    }

    @GetMapping("/admin/webhooks")
    @Operation(summary = "Webhook endpoints (their secrets' fingerprints, never the secrets)")
    public Mono<Map<String, Object>> webhooks(ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> Map.<String, Object>of("data", alerts.endpoints().stream()
                .filter(endpoint -> scope.everything()
                        || !endpoint.teams().isEmpty() && endpoint.teams().stream().allMatch(scope::seesTeam))
                .toList()));
    }

    @DeleteMapping("/admin/webhooks/{endpointId}")
    @Operation(summary = "Remove a webhook endpoint (with ?reason=); its pending deliveries die")
    public Mono<Map<String, Object>> removeWebhook(@PathVariable String endpointId,
                                                   @RequestParam(required = false) String reason,
                                                   ServerWebExchange exchange) {
        AdminSupport.requireReason(reason, "webhook removal (?reason=...)");
        return Blocking.query(() -> alerts.endpoint(endpointId)
                        .orElseThrow(() -> ApiError.notFound("No webhook endpoint '" + endpointId + "'.")))
                .flatMap(endpoint -> {
                    Principal principal = manageEndpoint(exchange, endpoint, "remove webhook '" + endpointId + "'");
                    return send(commands, new RemoveWebhookEndpoint(endpointId, principal.id(), reason));
                })
                // its secret signs nothing any more (the outbox killed its pending deliveries with the event)
                .then(Blocking.query(() -> {
                    secrets.forgetRemoved(endpointId);
                    return endpointId;
                }).onErrorResume(failed -> {
                    // only tidiness: the endpoint is removed; a later registration of its id forgets it too
                    log.warn("Webhook endpoint '{}' is removed; its secret stays kept: {}", endpointId,
                            failed.toString());
                    return Mono.just(endpointId);
                }))
                .then(Mono.just(Map.of("id", endpointId, "removed", true)));
    }

    @GetMapping("/admin/webhooks/deliveries")
    @Operation(summary = "The delivery log, newest first: every delivery with its attempts (?state=pending|"
            + "delivered|dead, ?endpoint_id=, ?limit=)")
    public Mono<Map<String, Object>> deliveries(@RequestParam(required = false) String state,
                                                @RequestParam(name = "endpoint_id", required = false) String endpointId,
                                                @RequestParam(required = false) String limit,
                                                ServerWebExchange exchange) {
        if (state != null && !Set.of("pending", "delivered", "dead").contains(state)) {
            throw ApiError.invalidRequest("'state' is pending, delivered or dead.", "state");
        }
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> Map.<String, Object>of("data",
                alerts.deliveries(state, endpointId, limit(limit), scope)));
    }

    @GetMapping("/admin/webhooks/dead-letters")
    @Operation(summary = "Deliveries whose retries ran out: redeliver them by hand")
    public Mono<Map<String, Object>> deadLetters(@RequestParam(required = false) String limit,
                                                 ServerWebExchange exchange) {
        return deliveries("dead", null, limit, exchange);
    }

    @GetMapping("/admin/webhooks/deliveries/{id}")
    @Operation(summary = "One delivery, its body and every attempt")
    public Mono<DeliveryView> delivery(@PathVariable long id, ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            DeliveryView delivery = alerts.delivery(id)
                    .orElseThrow(() -> ApiError.notFound("No webhook delivery " + id + "."));
            scope.requireTeam(delivery.teamId(), "webhook delivery " + id);
            return delivery;
        });
    }

    @PostMapping("/admin/webhooks/deliveries/{id}/redeliver")
    @Operation(summary = "Send a dead (or delivered) delivery again, with a fresh retry window")
    public Mono<Map<String, Object>> redeliver(@PathVariable long id, ServerWebExchange exchange) {
        return Blocking.query(() -> {
            DeliveryView delivery = alerts.delivery(id)
                    .orElseThrow(() -> ApiError.notFound("No webhook delivery " + id + "."));
            Access.requireManagerOf(exchange, delivery.teamId(), "redeliver webhook delivery " + id);
            if (!dispatcher.redeliver(id)) {
                throw new ApiError(HttpStatus.CONFLICT, "invalid_request_error", "conflict", null,
                        "Webhook delivery " + id + " is still pending: it is being retried.");
            }
            return Map.<String, Object>of("id", id, "state", "pending");
        });
    }

    // ------------------------------------------------------------------ support

    private List<String> teamsOf(ThresholdBody body, ThresholdScope scope) {
        if (body.teamId() != null && !body.teamId().isBlank()) {
            if (!directory.teamExists(body.teamId())) {
                throw ApiError.notFound("No team '" + body.teamId() + "'.");
            }
            return List.of(body.teamId());
        }
        if (scope != ThresholdScope.TAG) {
            throw ApiError.invalidRequest("A threshold needs a 'team_id' (only a tag cohort's may span teams).",
                    "team_id");
        }
        List<String> teams = directory.usersTagged(body.subject()).stream().map(user -> user.teamId()).distinct()
                .sorted().toList();
        if (teams.isEmpty()) {
            throw ApiError.invalidRequest("No user carries the tag '" + body.subject() + "'.", "subject");
        }
        return teams;
    }

    private static Principal manageEndpoint(ServerWebExchange exchange, EndpointView endpoint, String what) {
        return endpoint.teams().isEmpty() ? Access.requireAdmin(exchange, what)
                : Access.requireManagerOfAll(exchange, endpoint.teams(), what);
    }

    private static int limit(String limit) {
        Long requested = QueryParams.wholeNumber("limit", limit);
        return requested == null ? 100 : (int) Math.max(1, Math.min(requested, MAX_LIST));
    }

    private static <T> T parse(java.util.function.Supplier<T> parse, String param) {
        try {
            return parse.get();
        } catch (InvalidValue e) {
            throw ApiError.invalidRequest(e.getMessage() + ".", param);
        }
    }
}
