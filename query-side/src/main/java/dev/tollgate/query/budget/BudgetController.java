package dev.tollgate.query.budget;

import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.NotFound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Budgets", description = "Live budgets: limit, spent this period, reserved, remaining, period end")
public class BudgetController {

    private final BudgetQueries queries;

    public BudgetController(BudgetQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/budgets/teams/{teamId}")
    @Operation(summary = "A team's live budget")
    public Mono<BudgetView> team(@PathVariable String teamId) {
        return Blocking.query(() -> queries.team(teamId)
                .orElseThrow(() -> new NotFound("No team '" + teamId + "'.")));
    }

    @GetMapping("/budgets/users/{userId}")
    @Operation(summary = "A user's live budget (their own, or the team's member budget)")
    public Mono<BudgetView> user(@PathVariable String userId) {
        return Blocking.query(() -> queries.user(userId)
                .orElseThrow(() -> new NotFound("No user '" + userId + "'.")));
    }
}
