package dev.tollgate.edge.admin;

import dev.tollgate.api.Limits;
import dev.tollgate.api.money.Budget;
import dev.tollgate.edge.errors.ApiError;
import org.axonframework.commandhandling.gateway.CommandGateway;
import reactor.core.publisher.Mono;

import java.util.UUID;
import java.util.regex.Pattern;

/** What every admin route shares: sending a command, ids, required reasons. */
final class AdminSupport {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+-]{0," + (Limits.ID - 1) + "}");

    private AdminSupport() {
    }

    /**
     * Sends {@code command} when the answer is subscribed to, never when it is assembled: in
     * {@code checks.then(send(...))} the command goes only once the checks passed, so a refused request changes
     * nothing.
     */
    static Mono<Object> send(CommandGateway commands, Object command) {
        return Mono.fromFuture(() -> commands.send(command));
    }

    static Budget budget(AdminRequests.BudgetBody body) {
        return body == null ? null : body.toBudget();
    }

    static String id(String requested, String kind) {
        if (requested == null || requested.isBlank()) {
            return newId(kind);
        }
        if (!ID.matcher(requested).matches()) {
            throw ApiError.invalidRequest("An id is 1 to " + Limits.ID + " letters, digits and . _ @ : + - (starting "
                    + "with a letter or digit).", "id");
        }
        return requested;
    }

    static String newId(String kind) {
        return kind + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static void requireReason(String reason, String what) {
        if (reason == null || reason.isBlank()) {
            throw ApiError.invalidRequest("A 'reason' is required for every " + what + ": it goes to the audit trail.",
                    "reason");
        }
    }
}
