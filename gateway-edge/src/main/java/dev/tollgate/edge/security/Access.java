package dev.tollgate.edge.security;

import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.Money;
import dev.tollgate.edge.errors.ApiError;
import org.springframework.web.server.ServerWebExchange;

import java.util.Collection;

/**
 * The rules of the roles for changes: admins change anything; managers change what belongs to their teams, within
 * the budget cap their admin set; finance and API keys change nothing. Every refusal is a 403 that says why.
 */
public final class Access {

    public static final String PRINCIPAL = Access.class.getName() + ".principal";

    private Access() {
    }

    public static Principal principal(ServerWebExchange exchange) {
        Principal principal = exchange.getAttribute(PRINCIPAL);
        if (principal == null) {
            throw ApiError.invalidApiKey("This route needs a credential.");
        }
        return principal;
    }

    public static String actor(ServerWebExchange exchange) {
        return principal(exchange).id();
    }

    public static Principal requireAdmin(ServerWebExchange exchange, String what) {
        Principal principal = principal(exchange);
        if (!principal.isAdmin()) {
            throw forbidden("Only an admin may " + what + ".");
        }
        return principal;
    }

    /** An admin, or a manager of {@code teamId}. */
    public static Principal requireManagerOf(ServerWebExchange exchange, String teamId, String what) {
        Principal principal = principal(exchange);
        if (principal.manages(teamId)) {
            return principal;
        }
        if (principal.key() != null) {
            throw forbidden("An API key may not " + what + ": that takes an administrative credential.");
        }
        throw forbidden(switch (principal.role()) {
            case FINANCE -> "Finance reads everything and changes nothing: it may not " + what + ".";
            case MANAGER -> "You manage " + principal.teams() + ", not team '" + teamId + "': you may not " + what + ".";
            case ADMIN -> "Refused.";
        });
    }

    /**
     * The team a command must find its target in, for {@code principal} allowed on {@code teamId}: that team for a
     * manager (the team was read from a read model; the target decides whether it is still there), {@code null} for
     * an admin, who may act on every team.
     */
    public static String expectedTeam(Principal principal, String teamId) {
        return principal.isAdmin() ? null : teamId;
    }

    /** A manager of every team in {@code teamIds}. */
    public static Principal requireManagerOfAll(ServerWebExchange exchange, Collection<String> teamIds, String what) {
        Principal principal = principal(exchange);
        for (String teamId : teamIds) {
            requireManagerOf(exchange, teamId, what);
        }
        return principal;
    }

    /**
     * The cap a command carries for the aggregate to decide on ({@code null}: none), for a limit it may leave an
     * account with counting the account's boosts, which only the aggregate knows as they are.
     */
    public static Money cap(Principal principal) {
        return principal.isAdmin() ? null : principal.budgetCap();
    }

    /** A manager's budget limits and boosts stay within the cap an admin set for them (the limit or amount alone). */
    public static void requireWithinCap(Principal principal, Budget budget, String what) {
        if (budget != null) {
            requireWithinCap(principal, budget.limit(), what, true);
        }
    }

    public static void requireWithinCap(Principal principal, Money amount, String what, boolean unlimitedIfNull) {
        if (principal.isAdmin() || principal.budgetCap() == null) {
            return;
        }
        if (amount == null && unlimitedIfNull) {
            throw forbidden("Your budget cap is " + principal.budgetCap() + ": you may not make " + what
                    + " unlimited.");
        }
        if (amount != null && amount.isGreaterThan(principal.budgetCap())) {
            throw forbidden("Your budget cap is " + principal.budgetCap() + ": " + what + " of " + amount
                    + " is above it.");
        }
    }

    public static ApiError forbidden(String message) {
        return ApiError.forbidden("permission_denied", message);
    }
}
