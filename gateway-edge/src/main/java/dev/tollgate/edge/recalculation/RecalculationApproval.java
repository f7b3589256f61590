package dev.tollgate.edge.recalculation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.recalculation.RecordRecalculationApplied;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.CostAdjustment;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.query.recalculation.RecalculationQueries;
import dev.tollgate.query.recalculation.RecalculationView;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Applies an approved recalculation: its diff lines go to their teams in numbered chunks ({@link AdjustCosts}),
 * each recorded as one {@code CostAdjusted} per request. A chunk is numbered by its place in the team's lines, so
 * an approval resumed after a restart sends the same chunks again and the teams ignore those already recorded.
 * Each chunk carries when its recalculation started: a team refuses the lines of one computed before another
 * recalculation corrected its costs (they would count that correction twice).
 */
@Component
public class RecalculationApproval {

    private static final Logger log = LoggerFactory.getLogger(RecalculationApproval.class);
    static final int CHUNK = 500;
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
    };

    private final CommandGateway commands;
    private final RecalculationQueries queries;
    private final Recalculations recalculations;
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "recalculation-approval");
        thread.setDaemon(true);
        return thread;
    });

    public RecalculationApproval(CommandGateway commands, RecalculationQueries queries,
                                 Recalculations recalculations) {
        this.commands = commands;
        this.queries = queries;
        this.recalculations = recalculations;
    }

    /**
     * Records the approval (refused unless the diff is ready and no other approval superseded it) and supersedes
     * the other recalculations computed before it, then applies it in the background; blocking.
     */
    public void approve(String id, String actor, String reason) {
        recalculations.approve(id, actor, reason);
        applier.execute(() -> apply(id, actor, reason));
    }

    /** Approvals that were interrupted by a stop are finished at the next start. */
    @EventListener(ApplicationReadyEvent.class)
    public void resumeInterrupted() {
        for (String id : queries.idsWithStatus("approved")) {
            RecalculationView view = queries.find(id).orElseThrow();
            recalculations.resume(id, view.approvedBy());
            applier.execute(() -> apply(id, view.approvedBy(), view.approvalReason()));
        }
    }

    private void apply(String id, String actor, String reason) {
        try {
            Instant computedAt = queries.find(id).map(RecalculationView::requestedAt)
                    .orElseThrow(() -> new IllegalStateException("recalculation " + id + " is not in the read model"));
            long adjusted = 0;
            for (String teamId : queries.lineTeams(id)) {
                adjusted += applyToTeam(id, computedAt, teamId, actor, reason);
            }
            commands.sendAndWait(new RecordRecalculationApplied(id, adjusted));
            recalculations.applied(id);
            log.info("Recalculation {} applied: {} requests adjusted", id, adjusted);
        } catch (RuntimeException e) {
            log.error("Recalculation {} was approved but could not be applied yet; it resumes at the next start", id,
                    e);
        }
    }

    /** One team's lines, chunk by chunk; how many it recorded (none when it refuses them as computed too early). */
    private long applyToTeam(String id, Instant computedAt, String teamId, String actor, String reason) {
        String after = "";
        int chunk = 0;
        long adjusted = 0;
        while (true) {
            List<RecalculationQueries.ApprovalLine> lines = queries.approvalLines(id, teamId, after, CHUNK);
            if (lines.isEmpty()) {
                return adjusted;
            }
            List<CostAdjustment> adjustments = new ArrayList<>(lines.size());
            for (RecalculationQueries.ApprovalLine line : lines) {
                adjustments.add(adjustment(line));
            }
            try {
                // a chunk recorded before a stop is ignored: it counts as recorded by this recalculation
                commands.sendAndWait(new AdjustCosts(teamId, id, computedAt, chunk++, adjustments, actor, reason));
                adjusted += lines.size();
            } catch (CommandRefused refused) {
                if (!AdjustCosts.STALE_RECALCULATION.equals(refused.code())) {
                    throw refused;
                }
                // another recalculation corrected this team's costs after this one started (it should have been
                // superseded; two nodes may approve at once): its lines for this team stay unapplied
                log.error("Team {} refused the corrections of recalculation {}: {}", teamId, id,
                        refused.getMessage());
                return adjusted;
            }
            after = lines.get(lines.size() - 1).requestId();
        }
    }

    private static CostAdjustment adjustment(RecalculationQueries.ApprovalLine line) {
        try {
            return new CostAdjustment(line.requestId(), line.userId(), line.keyId(), line.model(), line.provider(),
                    JSON.readValue(line.usageJson(), Usage.class), line.startedAt(),
                    JSON.readValue(line.tagsJson(), TAGS), Money.of(line.oldCost()), Money.of(line.newCost()),
                    line.priceVersion());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable line of request " + line.requestId(), e);
        }
    }
}
