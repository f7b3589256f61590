package dev.tollgate.edge.admin;

import dev.tollgate.api.Limits;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.SetUserTags;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.input.InputLists;
import dev.tollgate.edge.membership.MemberRemoval;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.edge.security.Sessions;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.TeamView;
import dev.tollgate.query.directory.UserView;
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

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static dev.tollgate.edge.admin.AdminSupport.budget;
import static dev.tollgate.edge.admin.AdminSupport.id;
import static dev.tollgate.edge.admin.AdminSupport.requireReason;
import static dev.tollgate.edge.admin.AdminSupport.send;

/**
 * Teams, users and their budgets. Each route sends a command to the ledger (recording who did it and why), then
 * answers with the resulting state once the read model shows it. Admins create teams; a team's manager looks after
 * its members and budgets, within the cap an admin set.
 */
@RestController
@Tag(name = "Admin", description = "Teams, users and budgets")
public class AdminController {

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final Sessions sessions;
    private final MemberRemoval removal;

    public AdminController(CommandGateway commands, DirectoryQueries directory, Sessions sessions,
                           MemberRemoval removal) {
        this.commands = commands;
        this.directory = directory;
        this.sessions = sessions;
        this.removal = removal;
    }

    @PostMapping("/admin/teams")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a team with a budget and a default budget per member (admins)")
    public Mono<TeamView> createTeam(@RequestBody AdminRequests.CreateTeamBody body, ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "create teams");
        String teamId = id(body.id(), "team");
        CreateTeam command = new CreateTeam(teamId, body.name() == null ? teamId : AdminSupport.name(body.name()),
                budget(body.budget()), budget(body.memberBudget()),
                body.overBudgetPolicy() == null ? OverBudgetPolicy.CLAMP
                        : OverBudgetPolicy.fromWireName(body.overBudgetPolicy()),
                principal.id(), body.reason());
        return send(commands, command)
                .then(ReadModelWait.until(() -> directory.team(teamId).filter(team -> team.live() != null)));
    }

    @PutMapping("/admin/teams/{teamId}/budget")
    @Operation(summary = "Change a team's budget (and optionally its member budget and over-budget policy)")
    public Mono<TeamView> setTeamBudget(@PathVariable String teamId, @RequestBody AdminRequests.SetTeamBudgetBody body,
                                        ServerWebExchange exchange) {
        Principal principal = Access.requireManagerOf(exchange, teamId, "change the budget of team '" + teamId + "'");
        requireReason(body.reason(), "budget change");
        Budget budget = AdminRequests.budget(body.limit(), body.period(), body.unlimited());
        Budget memberBudget = budget(body.memberBudget());
        // an early answer on the limits alone; the team decides on them with the boosts not yet ended
        Access.requireWithinCap(principal, budget, "the team's budget");
        Access.requireWithinCap(principal, memberBudget, "the member budget");
        SetTeamBudget command = new SetTeamBudget(teamId, budget, memberBudget,
                body.overBudgetPolicy() == null ? null : OverBudgetPolicy.fromWireName(body.overBudgetPolicy()),
                principal.id(), body.reason(), Access.cap(principal));
        Instant sent = Instant.now();
        return send(commands, command).then(ReadModelWait.until(() -> directory.team(teamId)
                .filter(team -> !team.updatedAt().isBefore(sent) && team.live() != null
                        && !team.live().updatedAt().isBefore(sent))));
    }

    @PostMapping("/admin/users")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register a user in a team (admins, and the team's managers)")
    public Mono<UserView> createUser(@RequestBody AdminRequests.CreateUserBody body, ServerWebExchange exchange) {
        if (body.teamId() == null || body.teamId().isBlank()) {
            throw ApiError.invalidRequest("'team_id' is required: a user belongs to a team.", "team_id");
        }
        Principal principal = Access.requireManagerOf(exchange, body.teamId(), "add users to team '"
                + body.teamId() + "'");
        Budget budget = budget(body.budget());
        Access.requireWithinCap(principal, budget, "the user's budget");
        String userId = id(body.id(), "user");
        RegisterUser command = new RegisterUser(body.teamId(), userId, body.externalId(),
                AdminSupport.name(body.name()), email(body.email()), budget, tags(body.tags()), principal.id());
        // A user id names one person everywhere (budgets, spend, keys): the command refuses one that another team
        // holds, even a removed member's, on the command side and not against the directory, which lags
        // (UserIdClaims, docs/adr/0011). A member removed from this team may be registered again: that re-admits them.
        return send(commands, command)
                .then(ReadModelWait.until(() -> directory.user(userId)
                        .filter(user -> user.live() != null && user.removedAt() == null)));
    }

    @DeleteMapping("/admin/users/{userId}")
    @Operation(summary = "Remove a user from their team, with ?reason=: their keys are revoked, their sign-in sessions "
            + "end, nothing new is charged or issued to them; their history stays. Registering them again re-admits "
            + "them (without their old keys)")
    public Mono<UserView> removeUser(@PathVariable String userId, @RequestParam(required = false) String reason,
                                     ServerWebExchange exchange) {
        requireReason(reason, "removal of a member (?reason=...)");
        return user(userId)
                .flatMap(user -> {
                    Principal principal = Access.requireManagerOf(exchange, user.teamId(),
                            "remove user '" + userId + "'");
                    if (user.removedAt() != null) {
                        // removed already; a session started before (or a step that failed then) ends now
                        return Blocking.query(() -> sessions.endAllOf(userId)).thenReturn(user);
                    }
                    return removal.remove(user.teamId(), Access.expectedTeam(principal, user.teamId()), userId,
                                    principal.id(), reason)
                            .then(ReadModelWait.until(() -> directory.user(userId)
                                    .filter(removed -> removed.removedAt() != null)));
                });
    }

    @PutMapping("/admin/users/{userId}/budget")
    @Operation(summary = "Give a user their own budget, or return them to the team's member budget")
    public Mono<UserView> setUserBudget(@PathVariable String userId, @RequestBody AdminRequests.SetUserBudgetBody body,
                                        ServerWebExchange exchange) {
        requireReason(body.reason(), "budget change");
        Budget budget = Boolean.TRUE.equals(body.useTeamDefault()) ? null
                : AdminRequests.budget(body.limit(), body.period(), body.unlimited());
        Instant sent = Instant.now();
        return user(userId)
                .flatMap(user -> {
                    Principal principal = Access.requireManagerOf(exchange, user.teamId(),
                            "change the budget of user '" + userId + "'");
                    // an early answer on the limit alone; the team decides on it with the boosts not yet ended
                    Access.requireWithinCap(principal, budget, "the user's budget");
                    return send(commands, new SetUserBudget(user.teamId(), userId, budget, principal.id(),
                            body.reason(), Access.cap(principal)));
                })
                .then(ReadModelWait.until(() -> directory.user(userId)
                        .filter(user -> !user.updatedAt().isBefore(sent) && user.live() != null
                                && !user.live().updatedAt().isBefore(sent))));
    }

    @PutMapping("/admin/users/{userId}/tags")
    @Operation(summary = "Replace a user's tags (such as course:cs101), by which cohort boosts select users")
    public Mono<UserView> setUserTags(@PathVariable String userId, @RequestBody AdminRequests.SetUserTagsBody body,
                                      ServerWebExchange exchange) {
        Set<String> tags = tags(body.tags());
        return user(userId)
                .flatMap(user -> {
                    Principal principal = Access.requireManagerOf(exchange, user.teamId(),
                            "change the tags of user '" + userId + "'");
                    return send(commands, new SetUserTags(user.teamId(), userId, tags, principal.id(), body.reason()));
                })
                .then(ReadModelWait.until(() -> directory.user(userId)
                        .filter(user -> new HashSet<>(user.tags()).equals(tags))));
    }

    private Mono<UserView> user(String userId) {
        return Blocking.query(() -> directory.user(userId)
                .orElseThrow(() -> ApiError.notFound("No user '" + userId + "'.")));
    }

    static String email(String email) {
        if (email != null && (!Limits.isLine(email, Limits.EMAIL) || !email.matches("[^@\\s]+@[^@\\s]+"))) {
            throw ApiError.invalidRequest("An email is one address such as alice@uni.example.", "email");
        }
        return email;
    }

    /** A user's tags (such as course:cs101): each one line of 1 to {@link Limits#ID} characters. */
    static Set<String> tags(java.util.List<String> tags) {
        return Set.copyOf(InputLists.lines(tags, Limits.ID, "tags"));
    }
}
