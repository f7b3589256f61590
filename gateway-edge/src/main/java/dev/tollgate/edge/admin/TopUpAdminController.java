package dev.tollgate.edge.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.api.InvalidValue;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.topup.TopUpBudget;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.budget.BudgetQueries;
import dev.tollgate.query.budget.BudgetView;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.QueryParams;
import dev.tollgate.query.topup.TopUpQueries;
import dev.tollgate.query.topup.TopUpView;
import dev.tollgate.readmodel.Tables;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.tollgate.edge.admin.AdminSupport.send;

/**
 * Top-ups of lifetime allowances (limited budgets without period): the allowance's limit grows by the amount for
 * good, recorded with who and why. Admins, and managers of the team within their cap. A periodic budget is boosted
 * instead (/admin/boosts).
 */
@RestController
@Tag(name = "Admin: top-ups", description = "Top-ups of lifetime allowances")
public class TopUpAdminController {

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final TopUpQueries topUps;
    private final BudgetQueries budgets;

    public TopUpAdminController(CommandGateway commands, DirectoryQueries directory, TopUpQueries topUps,
                                BudgetQueries budgets) {
        this.commands = commands;
        this.directory = directory;
        this.topUps = topUps;
        this.budgets = budgets;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TopUpBody(
            @Schema(description = "Generated when absent") String id,
            @Schema(description = "team:<id> or user:<id>", example = "user:alice",
                    requiredMode = Schema.RequiredMode.REQUIRED) String target,
            @Schema(example = "20.00", requiredMode = Schema.RequiredMode.REQUIRED) String amount,
            @Schema(example = "Second thesis semester", requiredMode = Schema.RequiredMode.REQUIRED) String reason) {
    }

    @PostMapping("/admin/topups")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Top up a lifetime allowance (team:<id> or user:<id>, a limited budget with period none) "
            + "by an amount; answers with the top-up and the balance after it")
    public Mono<Map<String, Object>> topUp(@RequestBody TopUpBody body, ServerWebExchange exchange) {
        AdminSupport.requireReason(body.reason(), "top-up");
        if (body.amount() == null) {
            throw ApiError.invalidRequest("A top-up needs an 'amount' (a decimal string).", "amount");
        }
        Money amount;
        try {
            amount = Money.parseAmount(body.amount());
        } catch (InvalidValue e) {
            throw ApiError.invalidRequest(e.getMessage(), "amount");
        }
        String target = body.target() == null ? "" : body.target();
        String topUpId = AdminSupport.id(body.id(), "topup");
        boolean team = target.startsWith("team:");
        if (!team && !target.startsWith("user:")) {
            throw ApiError.invalidRequest("'target' is team:<id> or user:<id>.", "target");
        }
        String id = target.substring(target.indexOf(':') + 1);
        return Blocking.query(() -> team
                        ? directory.team(id).map(t -> t.id()).orElseThrow(() -> ApiError.notFound("No team '" + id + "'."))
                        : directory.user(id).filter(u -> u.removedAt() == null).map(u -> u.teamId())
                        .orElseThrow(() -> ApiError.notFound("No user '" + id + "'.")))
                .flatMap(teamId -> {
                    Principal principal = Access.requireManagerOf(exchange, teamId, "top up " + target);
                    Access.requireWithinCap(principal, amount, "a top-up", false);
                    String userId = team ? null : id;
                    // the team makes a top-up once per id: sent again (a retry), it answers with that top-up
                    return send(commands, new TopUpBudget(teamId, topUpId, userId, amount, principal.id(),
                            body.reason(), Access.cap(principal)))
                            .then(ReadModelWait.until(() -> topUps.topUp(topUpId, teamId, userId).flatMap(row -> {
                                Optional<BudgetView> live = userId == null ? budgets.team(teamId)
                                        : budgets.user(userId);
                                return live.filter(b -> showsTopUp(b, row)).map(b -> answer(row, b));
                            })));
                });
    }

    /**
     * The balance has the top-up: its limit is the limit after it, or the account changed since (a top-up sent
     * again after later changes answers with the balance as it is now).
     */
    private static boolean showsTopUp(BudgetView balance, TopUpView row) {
        return row.limitAfter().equals(balance.limit())
                || (balance.updatedAt() != null && balance.updatedAt().isAfter(row.at()));
    }

    @GetMapping("/admin/topups")
    @Operation(summary = "Top-ups of lifetime allowances, newest first (of one team with ?team_id=)")
    public Mono<Map<String, Object>> list(@RequestParam(name = "team_id", required = false) String teamId,
                                          @RequestParam(required = false) String limit,
                                          ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        int max = QueryParams.limit(limit, 100, 1000);
        return Blocking.query(() -> {
            List<TopUpView> rows = topUps.topUps(teamId, scope.teamCondition(Tables.TOP_UPS.TEAM_ID), max);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("object", "list");
            answer.put("data", rows);
            return answer;
        });
    }

    private static Map<String, Object> answer(TopUpView row, BudgetView balance) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("object", "top_up");
        answer.put("id", row.topUpId());
        answer.put("team_id", row.teamId());
        answer.put("user_id", row.userId());
        answer.put("amount", row.amount());
        answer.put("limit_after", row.limitAfter());
        answer.put("actor", row.actor());
        answer.put("reason", row.reason());
        answer.put("at", row.at());
        answer.put("balance", balance);
        return answer;
    }
}
