package dev.tollgate.edge.ledger;

import dev.tollgate.api.spend.RecordSpendBatch;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import javax.annotation.Nonnull;
import java.util.Map;

/**
 * Serializes the batches of one team across the nodes that share its database, while they contend for it.
 * <p>
 * Without it, two nodes appending to one hot team race optimistically: the loser of a race (PostgreSQL's unique
 * (aggregate, sequence) key) drops its cached team and decides again on the team reloaded from the event store. That
 * reload replays the team's events since its last snapshot and takes far longer than the winner's decision on its
 * warm cache, so on a busy machine the winner can append again during every reload of the loser, until the loser runs
 * out of retries (four lost races in a row were seen under load; the likely cause of a reservation answered 500 in
 * CI's two-node test).
 * <p>
 * A batch that asks for it ({@link #ASK}, which {@link SpendLedger} adds for a team it has lately seen another node
 * append to) takes PostgreSQL's transaction-scoped advisory lock of its team before the team is loaded. Batches of a
 * contended team then take turns across nodes: a batch decided on a stale cache still loses its race once, and its
 * retry, holding the lock from the reload to the commit, cannot lose again. A team no other node appends to never
 * takes the lock: a single node pays nothing for it.
 */
@Component
public class CrossNodeTeamLock implements MessageHandlerInterceptor<CommandMessage<?>> {

    private static final String KEY = "tollgate-team-lock";

    /** Command metadata: decide this team's batch under its cross-node lock. */
    public static final Map<String, Boolean> ASK = Map.of(KEY, Boolean.TRUE);

    /** The first key of the advisory lock: Tollgate's team locks, apart from any other advisory lock. */
    static final int NAMESPACE = 0x7465616d; // "team"

    private final DSLContext dsl;

    public CrossNodeTeamLock(CommandBus commandBus, DSLContext dsl) {
        this.dsl = dsl;
        // Axon's command bus starts the unit of work's transaction before its handler interceptors run: the lock is
        // taken in the transaction that loads the team and appends its events, and released by its commit or rollback.
        commandBus.registerHandlerInterceptor(this);
    }

    @Override
    public Object handle(@Nonnull UnitOfWork<? extends CommandMessage<?>> unitOfWork,
                         @Nonnull InterceptorChain interceptorChain) throws Exception {
        CommandMessage<?> command = unitOfWork.getMessage();
        if (command.getPayload() instanceof RecordSpendBatch batch
                && Boolean.TRUE.equals(command.getMetaData().get(KEY))) {
            dsl.execute("select pg_advisory_xact_lock(?, hashtext(?))", NAMESPACE, batch.teamId());
        }
        return interceptorChain.proceed();
    }
}
