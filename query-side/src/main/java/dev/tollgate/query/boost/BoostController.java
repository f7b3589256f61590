package dev.tollgate.query.boost;

import dev.tollgate.query.access.ReadScope;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.BOOSTS;

@RestController
@Tag(name = "Admin: boosts", description = "Time-boxed boosts for teams, users and cohorts")
public class BoostController {

    private final BoostQueries queries;

    public BoostController(BoostQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/admin/boosts")
    @Operation(summary = "Boosts, by target (team:<id>, user:<id>, cohort:<id>) and the instant they are active at",
            description = "One row per boosted account; a cohort boost has one row per member. Managers see their "
                    + "teams' only.")
    public Mono<Map<String, Object>> boosts(@RequestParam(required = false) String target,
                                            @RequestParam(name = "active_at", required = false) String activeAt,
                                            ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> Map.of("object", "list", "data", queries.boosts(target,
                QueryParams.instant("active_at", activeAt), scope.teamCondition(BOOSTS.TEAM_ID))));
    }

    @GetMapping("/admin/boosts/{boostId}")
    @Operation(summary = "One boost: its decision (for a cohort) and every account it boosts")
    public Mono<Map<String, Object>> boost(@PathVariable String boostId, ServerWebExchange exchange) {
        ReadScope scope = ReadScope.of(exchange);
        return Blocking.query(() -> {
            List<BoostView> rows = queries.boost(boostId);
            if (rows.isEmpty() && queries.cohort(boostId).isEmpty()) {
                throw new NotFound("No boost '" + boostId + "'.");
            }
            rows.forEach(row -> scope.requireTeam(row.teamId(), "boost '" + boostId + "'"));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", boostId);
            queries.cohort(boostId).ifPresentOrElse(cohort -> {
                answer.put("kind", "cohort");
                answer.put("cohort", cohort);
            }, () -> answer.put("kind", rows.get(0).userId() == null ? "team" : "user"));
            answer.put("accounts", rows);
            return answer;
        });
    }
}
