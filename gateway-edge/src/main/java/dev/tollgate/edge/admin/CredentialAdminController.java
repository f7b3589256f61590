package dev.tollgate.edge.admin;

import dev.tollgate.api.Limits;
import dev.tollgate.api.access.ChangeCredentialScope;
import dev.tollgate.api.access.IssueCredential;
import dev.tollgate.api.access.RevokeCredential;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.money.Money;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.input.InputLists;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.KeySecrets;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.edge.security.PrincipalResolver;
import dev.tollgate.query.directory.CredentialView;
import dev.tollgate.query.directory.DirectoryQueries;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.edge.admin.AdminSupport.send;

/**
 * Administrative credentials: bearer keys with a role (admin, manager of some teams with a budget cap, finance).
 * Admins only. The secret is shown once; only its hash is kept.
 */
@RestController
@Tag(name = "Admin: credentials", description = "Roles: admin, manager, finance")
public class CredentialAdminController {

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final PrincipalResolver principals;

    public CredentialAdminController(CommandGateway commands, DirectoryQueries directory,
                                     PrincipalResolver principals) {
        this.commands = commands;
        this.directory = directory;
        this.principals = principals;
    }

    @PostMapping("/admin/credentials")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Issue an administrative credential with a role (the secret is in the answer, once)")
    public Mono<Map<String, Object>> issue(@RequestBody AdminRequests.IssueCredentialBody body,
                                           ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "issue credentials");
        Role role = role(body.role());
        Set<String> teams = teams(body.teams());
        String credentialId = AdminSupport.newId("cred");
        String secret = "tga-" + KeySecrets.newSecret().substring(3);
        Money cap = cap(body.budgetCap());
        String name = AdminSupport.name(body.name());
        return teamsExist(teams).then(Mono.defer(() -> send(commands, new IssueCredential(credentialId,
                KeySecrets.hash(secret),
                KeySecrets.displayPrefix(secret), name, role, teams, cap, principal.id(), body.reason()))))
                .then(ReadModelWait.until(() -> directory.credential(credentialId)))
                .map(view -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("credential", view);
                    answer.put("secret", secret);
                    return answer;
                });
    }

    @PutMapping("/admin/credentials/{credentialId}")
    @Operation(summary = "Change a credential's role, a manager's teams or cap")
    public Mono<CredentialView> change(@PathVariable String credentialId,
                                       @RequestBody AdminRequests.IssueCredentialBody body,
                                       ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "change credentials");
        AdminSupport.requireReason(body.reason(), "change of role");
        Role role = role(body.role());
        Set<String> teams = teams(body.teams());
        Instant sent = Instant.now();
        Money cap = cap(body.budgetCap());
        // sent only once the credential is known to exist
        return exists(credentialId).then(teamsExist(teams))
                .then(Mono.defer(() -> send(commands, new ChangeCredentialScope(credentialId, role, teams, cap,
                        principal.id(), body.reason()))))
                .then(ReadModelWait.until(() -> directory.credential(credentialId)
                        .filter(view -> !view.updatedAt().isBefore(sent))))
                .doOnNext(view -> principals.forgetAll());
    }

    @DeleteMapping("/admin/credentials/{credentialId}")
    @Operation(summary = "Revoke a credential")
    public Mono<CredentialView> revoke(@PathVariable String credentialId,
                                       @RequestParam(required = false) String reason, ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "revoke credentials");
        return exists(credentialId)
                .then(Mono.defer(() -> send(commands, new RevokeCredential(credentialId, principal.id(), reason))))
                .then(ReadModelWait.until(() -> directory.credential(credentialId)
                        .filter(view -> view.revokedAt() != null)))
                .doOnNext(view -> principals.forgetAll());
    }

    /**
     * A manager's teams exist: a mistyped id would otherwise give nothing now and, silently, a team created under that
     * id later.
     */
    private Mono<Void> teamsExist(Set<String> teams) {
        return teams.isEmpty() ? Mono.empty() : Blocking.query(() -> {
            for (String team : new java.util.TreeSet<>(teams)) {
                if (!directory.teamExists(team)) {
                    throw ApiError.invalidRequest("No team '" + team + "': a manager's teams must exist.", "teams");
                }
            }
            return true;
        }).then();
    }

    private Mono<CredentialView> exists(String credentialId) {
        return Blocking.query(() -> directory.credential(credentialId)
                .orElseThrow(() -> ApiError.notFound("No credential '" + credentialId + "'.")));
    }

    private static Role role(String role) {
        if (role == null) {
            throw ApiError.invalidRequest("A credential needs a 'role': admin, manager or finance.", "role");
        }
        return Role.fromWireName(role);
    }

    private static Set<String> teams(List<String> teams) {
        return Set.copyOf(InputLists.ids(teams, Limits.ID, "teams"));
    }

    private static Money cap(String cap) {
        return cap == null ? null : Money.parseAmount(cap);
    }
}
