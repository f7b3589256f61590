package dev.tollgate.edge.admin;

import dev.tollgate.api.InvalidValue;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.roster.RosterImport;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** A course roster in one step (admins, and the team's managers), with a dry run. */
@RestController
@Tag(name = "Admin", description = "Teams, users and budgets")
public class RosterAdminController {

    private final RosterImport roster;
    private final DirectoryQueries directory;

    public RosterAdminController(RosterImport roster, DirectoryQueries directory) {
        this.roster = roster;
        this.directory = directory;
    }

    @PostMapping(value = "/admin/teams/{teamId}/roster", consumes = {"text/csv", "text/plain"})
    @Operation(summary = "Import a roster (CSV with a header: id,name,email,team,tags; tags separated by ; or "
            + "spaces): each person is created, moved here from another team (you must manage both), given the "
            + "roster's tags, left unchanged, or refused with a reason. ?dry_run=true reports without changing "
            + "anything. At most 5,000 lines")
    public Mono<RosterImport.Report> importRoster(@PathVariable String teamId, @RequestBody(required = false) String csv,
                                                  @RequestParam(name = "dry_run", defaultValue = "false")
                                                  boolean dryRun,
                                                  @RequestParam(required = false) String reason,
                                                  ServerWebExchange exchange) {
        Principal principal = Access.requireManagerOf(exchange, teamId, "import a roster into team '" + teamId
                + "'");
        if (csv == null || csv.isBlank()) {
            throw ApiError.invalidRequest("The body is the roster, as CSV with a header line "
                    + "(id,name,email,team,tags).", null);
        }
        String why = reason == null || reason.isBlank() ? "roster import" : reason;
        return Blocking.query(() -> {
            if (directory.team(teamId).isEmpty()) {
                throw ApiError.notFound("No team '" + teamId + "'.");
            }
            try {
                return roster.run(teamId, csv, dryRun, principal.id(), other -> manages(exchange, other), why);
            } catch (InvalidValue unreadable) {
                throw ApiError.invalidRequest("The roster cannot be read: " + unreadable.getMessage() + ".", null);
            }
        });
    }

    private static boolean manages(ServerWebExchange exchange, String teamId) {
        try {
            Access.requireManagerOf(exchange, teamId, "move a member from team '" + teamId + "'");
            return true;
        } catch (ApiError refused) {
            return false;
        }
    }
}
