package dev.tollgate.edge.membership;

import reactor.core.publisher.Mono;

/**
 * Moves a member from one team to another: closes their open budget in the old team and opens it in the new, their
 * history kept, every step an event. The sign-in with the identity provider calls it when a returning user's groups
 * now place them in another team.
 * <p>
 * {@link MoveProcess} makes the move (docs/adr/0007): the new team admits them, their keys follow, and their account
 * in the old team closes once their requests in flight there have ended.
 */
public interface MemberMoves {

    /**
     * Starts the move; completes when it is under way (or done), fails with {@link MovePending} when it cannot be
     * made now.
     */
    Mono<Void> move(String userId, String fromTeam, String toTeam, String actor, String reason);

    /** A move that cannot be made now: the user is told so and keeps their current team until then. */
    class MovePending extends RuntimeException {

        public MovePending(String message) {
            super(message, null, false, false);
        }
    }
}
