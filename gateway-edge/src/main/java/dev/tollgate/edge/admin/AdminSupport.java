package dev.tollgate.edge.admin;

import dev.tollgate.api.Limits;
import dev.tollgate.api.money.Budget;
import dev.tollgate.edge.errors.ApiError;
import org.axonframework.commandhandling.gateway.CommandGateway;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** What every admin route shares: sending a command, ids, required reasons. */
final class AdminSupport {

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
        if (!Limits.isId(requested)) {
            throw ApiError.invalidRequest("An id is " + Limits.ID_RULE + ".", "id");
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
        if (reason.length() > Limits.TEXT || Limits.hasControlBesidesLineBreaks(reason)
                || Limits.hasLoneSurrogate(reason)) {
            throw ApiError.invalidRequest("A 'reason' is at most " + Limits.TEXT + " characters, without NUL or other "
                    + "control characters (tabs and line breaks aside) or half of a UTF-16 surrogate pair alone.",
                    "reason");
        }
    }

    /** A name (of a team, a user, a key, a credential): one line of at most {@link Limits#NAME} characters. */
    static String name(String name) {
        if (name != null && !Limits.isLine(name, Limits.NAME)) {
            throw ApiError.invalidRequest("A 'name' is one line of at most " + Limits.NAME + " characters, without "
                    + "control characters.", "name");
        }
        return name;
    }
}
