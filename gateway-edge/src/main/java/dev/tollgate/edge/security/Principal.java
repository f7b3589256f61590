package dev.tollgate.edge.security;

import dev.tollgate.api.access.Role;
import dev.tollgate.api.money.Money;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.directory.KeyRecord;

import java.util.Set;

/**
 * Who is calling an administrative or read route: the master key, an administrative credential with a role, or
 * (for its own spend only) an API key. The id is what the audit trail records as the actor.
 * <p>
 * Any way of proving the identity can produce one: today bearer keys; an OIDC login for the UI would map the login
 * to a credential and yield the same principal.
 *
 * @param teams     a manager's teams
 * @param budgetCap the largest budget limit or boost a manager may set ({@code null}: no cap)
 * @param key       set only when an API key calls (it may read its own spend)
 */
public record Principal(String id, Role role, Set<String> teams, Money budgetCap, KeyRecord key) {

    public static final Principal MASTER = new Principal("master", Role.ADMIN, Set.of(), null, null);

    public static Principal apiKey(KeyRecord key) {
        return new Principal(key.keyId(), null, Set.of(key.teamId()), null, key);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public boolean manages(String teamId) {
        return isAdmin() || role == Role.MANAGER && teams.contains(teamId);
    }

    public ReadScope readScope() {
        if (key != null) {
            return key.userId() == null ? ReadScope.teams(Set.of()) : ReadScope.ownSpend(key.userId(), key.teamId());
        }
        return role == Role.MANAGER ? ReadScope.teams(teams) : ReadScope.EVERYTHING;
    }
}
