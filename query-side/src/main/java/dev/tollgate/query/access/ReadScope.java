package dev.tollgate.query.access;

import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.web.server.ServerWebExchange;

import java.util.Set;

/**
 * What the caller of a read route may see: everything (admin, finance), some teams (a manager), or one user's own
 * spend (an API key). The edge's authentication puts it on the exchange; a read route without one sees nothing.
 */
public record ReadScope(boolean everything, Set<String> teams, String userId) {

    public static final String ATTRIBUTE = ReadScope.class.getName();
    public static final ReadScope EVERYTHING = new ReadScope(true, Set.of(), null);
    private static final ReadScope NOTHING = new ReadScope(false, Set.of(), null);

    public ReadScope {
        teams = Set.copyOf(teams);
    }

    public static ReadScope teams(Set<String> teams) {
        return new ReadScope(false, teams, null);
    }

    public static ReadScope ownSpend(String userId, String teamId) {
        return new ReadScope(false, Set.of(teamId), userId);
    }

    public static ReadScope of(ServerWebExchange exchange) {
        return exchange.getAttributeOrDefault(ATTRIBUTE, NOTHING);
    }

    public boolean seesTeam(String teamId) {
        return everything || (userId == null && teams.contains(teamId));
    }

    /** Refuses with a 403 unless the caller sees this team. */
    public void requireTeam(String teamId, String what) {
        if (!seesTeam(teamId)) {
            throw new ForbiddenRead("You may not read " + what + ": it belongs to a team outside your scope.");
        }
    }

    /** A condition restricting rows to the visible teams ({@code teamField}), for list routes. */
    public Condition teamCondition(Field<String> teamField) {
        if (everything) {
            return DSL.noCondition();
        }
        if (userId != null) {
            return DSL.falseCondition();
        }
        return teams.isEmpty() ? DSL.falseCondition() : teamField.in(teams);
    }
}
