package dev.tollgate.edge.membership;

import java.util.Set;

/**
 * Moves a member from one team to another (docs/adr/0006): a returning user whose mapped team changed (SSO), an
 * admin's or manager's move, a roster. The move is a process of events; this starts it and answers its id once the
 * start is recorded. The new team admits them, their keys follow, and their account in the old team closes when
 * their requests in flight there have ended; {@code /audit?entity=user:<id>} shows every step.
 */
public interface MemberMoves {

    /** Moves {@code userId} with their tags; answers the move's id. */
    String move(String userId, String fromTeam, String toTeam, String actor, String reason);

    /** Moves {@code userId}, with {@code tags} in the new team ({@code null}: their tags follow them). */
    String move(String userId, String fromTeam, String toTeam, Set<String> tags, String actor, String reason);
}
