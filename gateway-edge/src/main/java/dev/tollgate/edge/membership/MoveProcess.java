package dev.tollgate.edge.membership;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.move.AdmitMovedUser;
import dev.tollgate.api.move.CancelUserMove;
import dev.tollgate.api.move.CompleteUserMove;
import dev.tollgate.api.move.MoveKey;
import dev.tollgate.api.move.StartUserMove;
import dev.tollgate.api.move.UserMoveStarted;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyView;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.UUID;

/**
 * The process that moves a member between teams. Each step is an event of a Team (or a key) and the next step is
 * sent when the event is seen, by a tracking processor of its own: a move interrupted by a restart resumes where it
 * was, and every step ignores a repetition, so resuming never moves twice. Never replayed: it sends commands.
 * <ol>
 *     <li>{@code UserMoveStarted} in the old team: the new team is asked to admit them ({@code AdmitMovedUser}); if it
 *     refuses, the move is cancelled in the old team ({@code UserMoveCancelled}) and nothing else changes;</li>
 *     <li>{@code UserMovedIn} in the new team: their keys move ({@code KeyMoved}), then the old team closes their
 *     account ({@code UserMovedOut}), at once or when their last request in flight there has ended.</li>
 * </ol>
 */
@Component
@ProcessingGroup(MoveProcess.PROCESSING_GROUP)
public class MoveProcess implements MemberMoves {

    public static final String PROCESSING_GROUP = "member-moves";
    private static final Logger log = LoggerFactory.getLogger(MoveProcess.class);

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final ApiKeyAuthenticator authenticator;

    public MoveProcess(CommandGateway commands, DirectoryQueries directory, ApiKeyAuthenticator authenticator) {
        this.commands = commands;
        this.directory = directory;
        this.authenticator = authenticator;
    }

    @Override
    public String move(String userId, String fromTeam, String toTeam, String actor, String reason) {
        return move(userId, fromTeam, toTeam, null, actor, reason);
    }

    @Override
    public String move(String userId, String fromTeam, String toTeam, Set<String> tags, String actor, String reason) {
        String moveId = "move_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        commands.sendAndWait(new StartUserMove(fromTeam, moveId, userId, toTeam, tags, actor, reason));
        return moveId;
    }

    @EventHandler
    @DisallowReplay
    void on(UserMoveStarted event) {
        try {
            commands.sendAndWait(new AdmitMovedUser(event.toTeamId(), event.moveId(), event.userId(), event.teamId(),
                    event.externalId(), event.tags(), event.actor(), event.reason()));
        } catch (CommandRefused | AggregateNotFoundException refused) {
            // ids only: a refusal may name the person's external id, which is personal data
            log.info("Move {} of user {} to team {} refused by that team", event.moveId(), event.userId(),
                    event.toTeamId());
            commands.sendAndWait(new CancelUserMove(event.teamId(), event.moveId(), event.userId(),
                    "team '" + event.toTeamId() + "' refused: " + refused.getMessage()));
        }
    }

    @EventHandler
    @DisallowReplay
    void on(UserMovedIn event) {
        for (KeyView key : directory.keys(event.fromTeamId(), event.userId(), DSL.noCondition())) {
            if (key.revokedAt() == null) {
                commands.sendAndWait(new MoveKey(key.id(), event.teamId(), event.moveId(), event.actor()));
            }
        }
        authenticator.forgetAll(); // this node charges the moved keys to the new team at once
        commands.sendAndWait(new CompleteUserMove(event.fromTeamId(), event.moveId(), event.userId()));
    }
}
