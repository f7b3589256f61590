package dev.tollgate.query.spend;

import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.NotFound;
import dev.tollgate.query.support.QueryParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Spend", description = "What each request cost")
public class SpendController {

    private final SpendQueries queries;

    public SpendController(SpendQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/spend/messages")
    @Operation(summary = "Per-message costs, newest first",
            description = "Filter by team, user or key and by start time [from, to). Page with limit and cursor.")
    public Mono<MessageCostPage> messages(@RequestParam(name = "team_id", required = false) String teamId,
                                          @RequestParam(name = "user_id", required = false) String userId,
                                          @RequestParam(name = "key_id", required = false) String keyId,
                                          @RequestParam(required = false) String from,
                                          @RequestParam(required = false) String to,
                                          @RequestParam(required = false) String cursor,
                                          @RequestParam(required = false) Integer limit) {
        SpendQueries.MessageFilter filter = new SpendQueries.MessageFilter(teamId, userId, keyId,
                QueryParams.instant("from", from), QueryParams.instant("to", to), cursor,
                QueryParams.limit(limit, 100, 1000));
        return Blocking.query(() -> queries.messages(filter));
    }

    @GetMapping("/spend/messages/{requestId}")
    @Operation(summary = "The cost of one request, by the x-request-id its answer carried")
    public Mono<MessageCostView> message(@PathVariable String requestId) {
        return Blocking.query(() -> queries.message(requestId)
                .orElseThrow(() -> new NotFound("No request '" + requestId + "' is known to the ledger.")));
    }
}
