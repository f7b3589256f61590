package dev.tollgate.edge.admin;

import dev.tollgate.api.Limits;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.api.keypolicy.SetKeyPolicy;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.input.InputLists;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.keypolicy.KeyPolicyQueries;
import dev.tollgate.query.keypolicy.KeyPolicyView;
import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.NotFound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Objects;

import static dev.tollgate.edge.admin.AdminSupport.send;

/** A team's key policy: what its members may do with the keys they make themselves in the portal. */
@RestController
@Tag(name = "Admin: key policies", description = "What members may do with the keys they make in the portal")
public class KeyPolicyAdminController {

    private final CommandGateway commands;
    private final KeyPolicyQueries policies;
    private final DirectoryQueries directory;
    private final ModelCatalog catalog;

    public KeyPolicyAdminController(CommandGateway commands, KeyPolicyQueries policies, DirectoryQueries directory,
                                    ModelCatalog catalog) {
        this.commands = commands;
        this.policies = policies;
        this.directory = directory;
        this.catalog = catalog;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeyPolicyBody(Integer maxKeys, Integer maxExpiryDays, List<String> allowedModels,
                                Long requestsPerMinute, Long tokensPerMinute, String reason) {
    }

    @GetMapping("/admin/teams/{teamId}/key-policy")
    @Operation(summary = "A team's key policy (404 when the team follows the configured default)")
    public Mono<KeyPolicyView> policy(@PathVariable String teamId, ServerWebExchange exchange) {
        ReadScope.of(exchange).requireTeam(teamId, "team '" + teamId + "'");
        return Blocking.query(() -> policies.policy(teamId).orElseThrow(() -> new NotFound("Team '" + teamId
                + "' has no key policy of its own: tollgate.portal's defaults apply.")));
    }

    @PutMapping("/admin/teams/{teamId}/key-policy")
    @Operation(summary = "Set a team's key policy: the most keys per member, their longest life, the models they may "
            + "use, their rpm/tpm limits")
    public Mono<KeyPolicyView> setPolicy(@PathVariable String teamId, @RequestBody KeyPolicyBody body,
                                         ServerWebExchange exchange) {
        Principal principal = Access.requireManagerOf(exchange, teamId, "set the key policy of team '" + teamId + "'");
        AdminSupport.requireReason(body.reason(), "key policy");
        if (body.maxKeys() == null) {
            throw ApiError.invalidRequest("'max_keys' is required (0 stops members making keys).", "max_keys");
        }
        List<String> models = InputLists.lines(body.allowedModels(), Limits.TEXT, "allowed_models");
        for (String model : models) {
            if (catalog.find(model).isEmpty()) {
                throw ApiError.invalidRequest("Unknown model '" + model + "' in allowed_models.", "allowed_models");
            }
        }
        SetKeyPolicy command = new SetKeyPolicy(SetKeyPolicy.policyId(teamId), teamId, body.maxKeys(),
                body.maxExpiryDays(), models, body.requestsPerMinute(), body.tokensPerMinute(), principal.id(),
                body.reason());
        return Blocking.query(() -> {
                    if (!directory.teamExists(teamId)) {
                        throw ApiError.notFound("No team '" + teamId + "'.");
                    }
                    return teamId;
                })
                // sent only once the team is known to exist (a policy is created for any id it is sent to)
                .then(Mono.defer(() -> send(commands, command)))
                .then(ReadModelWait.until(() -> policies.policy(teamId)
                        .filter(view -> Objects.equals(view.setBy(), principal.id())
                                && view.maxKeys() == body.maxKeys()
                                && Objects.equals(view.maxExpiryDays(), body.maxExpiryDays())
                                && view.allowedModels().equals(models))));
    }
}
