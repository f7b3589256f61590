package dev.tollgate.query.budget;

import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.NotFound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Budgets", description = "Live budgets: limit, spent this period, reserved, remaining, period end")
public class BudgetController {

    private final BudgetQueries queries;

    public BudgetController(BudgetQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/budgets/teams/{teamId}")
    @Operation(summary = "A team's live budget, boosts included")
    public Mono<BudgetView> team(@PathVariable String teamId, ServerWebExchange exchange) {
        return visible(exchange, "team", () -> queries.team(teamId), "No team '" + teamId + "'.");
    }

    @GetMapping("/budgets/users/{userId}")
    @Operation(summary = "A user's live budget (their own, or the team's member budget), boosts included")
    public Mono<BudgetView> user(@PathVariable String userId, ServerWebExchange exchange) {
        return visible(exchange, "user", () -> queries.user(userId), "No user '" + userId + "'.");
    }

    @GetMapping("/budgets/keys/{keyId}")
    @Operation(summary = "The live budget of a key that has one of its own")
    public Mono<BudgetView> key(@PathVariable String keyId, ServerWebExchange exchange) {
        return visible(exchange, "key", () -> queries.key(keyId), "No budget of key '" + keyId + "'.");
    }

    private static Mono<BudgetView> visible(ServerWebExchange exchange, String kind,
                                            java.util.function.Supplier<java.util.Optional<BudgetView>> read,
                                            String notFound) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            BudgetView view = read.get().orElseThrow(() -> new NotFound(notFound));
            scope.requireTeam(view.teamId(), "this " + kind + "'s budget");
            return view;
        });
    }
}
