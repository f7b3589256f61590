package dev.tollgate.edge.admin;

import dev.tollgate.api.privacy.ErasePersonalData;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.privacy.Erasure;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.edge.security.Sessions;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.UserView;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static dev.tollgate.edge.admin.AdminSupport.requireReason;
import static dev.tollgate.edge.admin.AdminSupport.send;

/** Erasure of a person's personal data (GDPR art. 17, docs/privacy.md): admins only. */
@RestController
@Tag(name = "Admin", description = "Teams, users and budgets")
public class PrivacyAdminController {

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final Erasure erasure;
    private final Sessions sessions;

    public PrivacyAdminController(CommandGateway commands, DirectoryQueries directory, Erasure erasure,
                                  Sessions sessions) {
        this.commands = commands;
        this.directory = directory;
        this.erasure = erasure;
        this.sessions = sessions;
    }

    public record EraseBody(String reason) {
    }

    @PostMapping("/admin/users/{userId}/erase")
    @Operation(summary = "Erase a person's personal data (name, email, external id, their keys' metadata) for good, "
            + "with a reason: their amounts, spend and budgets stay exact under their pseudonymous id (admins)")
    public Mono<UserView> erase(@PathVariable String userId, @RequestBody(required = false) EraseBody body,
                                ServerWebExchange exchange) {
        Principal principal = Access.requireAdmin(exchange, "erase a person's personal data");
        String reason = body == null ? null : body.reason();
        requireReason(reason, "erasure");
        return Blocking.query(() -> directory.user(userId)
                        .orElseThrow(() -> ApiError.notFound("No user '" + userId + "'.")))
                .flatMap(user -> send(commands, new ErasePersonalData(user.teamId(), userId, principal.id(), reason)))
                .then(Blocking.query(() -> erasure.destroy(userId)))
                // their sessions hold the principal resolved from the provider's claims at sign-in: they end too
                .then(Blocking.query(() -> sessions.endAllOf(userId)))
                .then(ReadModelWait.until(() -> directory.user(userId).filter(user -> user.erasedAt() != null)));
    }
}
