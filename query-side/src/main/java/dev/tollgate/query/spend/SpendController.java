package dev.tollgate.query.spend;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.query.access.ForbiddenRead;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.budget.BudgetQueries;
import dev.tollgate.query.budget.BudgetView;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.NotFound;
import dev.tollgate.query.support.QueryParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;

@RestController
@Tag(name = "Spend", description = "What each request cost")
public class SpendController {

    private final SpendQueries queries;
    private final BudgetQueries budgets;

    public SpendController(SpendQueries queries, BudgetQueries budgets) {
        this.queries = queries;
        this.budgets = budgets;
    }

    @GetMapping("/spend/messages")
    @Operation(summary = "Per-message costs, newest first",
            description = "Filter by team, user or key, by start time [from, to) and by tags (tag=course=cs101, "
                    + "repeatable: all must match). Page with limit and cursor. Managers see their teams only.")
    public Mono<MessageCostPage> messages(@RequestParam(name = "team_id", required = false) String teamId,
                                          @RequestParam(name = "user_id", required = false) String userId,
                                          @RequestParam(name = "key_id", required = false) String keyId,
                                          @RequestParam(required = false) String from,
                                          @RequestParam(required = false) String to,
                                          @RequestParam(name = "tag", required = false) List<String> tags,
                                          @RequestParam(required = false) String cursor,
                                          @RequestParam(required = false) String limit,
                                          ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        SpendQueries.MessageFilter filter = new SpendQueries.MessageFilter(teamId, userId, keyId,
                QueryParams.instant("from", from), QueryParams.instant("to", to), SpendQueries.tags(tags), cursor,
                QueryParams.limit(limit, 100, 1000), scope.teamCondition(MESSAGE_COSTS.TEAM_ID));
        return Blocking.query(() -> queries.messages(filter));
    }

    @GetMapping("/spend/messages/{requestId}")
    @Operation(summary = "The cost of one request, by the x-request-id its answer carried")
    public Mono<MessageCostView> message(@PathVariable String requestId, ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            MessageCostView view = queries.message(requestId)
                    .orElseThrow(() -> new NotFound("No request '" + requestId + "' is known to the ledger."));
            scope.requireTeam(view.teamId(), "this request");
            return view;
        });
    }

    /** A user's own spend and budget, read with the user's own API key. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OwnSpend(String userId, String teamId, BudgetView budget, MessageCostPage messages) {
    }

    @GetMapping("/spend/me")
    @Operation(summary = "Your own budget and requests, newest first (with your own API key, not a team key)")
    public Mono<OwnSpend> me(@RequestParam(required = false) String from,
                             @RequestParam(required = false) String to,
                             @RequestParam(name = "tag", required = false) List<String> tags,
                             @RequestParam(required = false) String cursor,
                             @RequestParam(required = false) String limit,
                             ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        if (scope.userId() == null) {
            throw new ForbiddenRead("GET /spend/me is read with a user's own API key: it shows that user's spend.");
        }
        String teamId = scope.teams().iterator().next();
        SpendQueries.MessageFilter filter = new SpendQueries.MessageFilter(teamId, scope.userId(), null,
                QueryParams.instant("from", from), QueryParams.instant("to", to), SpendQueries.tags(tags), cursor,
                QueryParams.limit(limit, 100, 1000), MESSAGE_COSTS.USER_ID.eq(scope.userId()));
        return Blocking.query(() -> new OwnSpend(scope.userId(), teamId, budgets.user(scope.userId()).orElse(null),
                queries.messages(filter)));
    }
}
