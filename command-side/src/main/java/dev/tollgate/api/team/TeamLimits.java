package dev.tollgate.api.team;

import dev.tollgate.api.InvalidValue;

/**
 * The bounds of a team's state that the operator chooses ({@code tollgate.ledger.max-members-per-team}); the Team
 * aggregate is given them with every command that could grow it.
 *
 * @param maxMembers the most members a team may have, and the most of its keys with a budget of their own. An admin's
 *                   registration past it is refused; a team key's request for a new user is rejected.
 */
public record TeamLimits(int maxMembers) {

    public static final TeamLimits DEFAULT = new TeamLimits(10_000);

    public TeamLimits {
        if (maxMembers < 1) {
            throw new InvalidValue("a team must be allowed at least one member");
        }
    }
}
