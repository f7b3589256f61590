package dev.tollgate.edge.recalculation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.recalculation.ApproveRecalculation;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Applies an approved recalculation: its diff lines go to their teams in numbered chunks ({@link AdjustCosts}),
 * each recorded as one {@code CostAdjusted} per request. A chunk is numbered by its place in the team's lines, so
 * an approval resumed after a restart sends the same chunks again and the teams ignore those already recorded.
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
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "recalculation-approval");
        thread.setDaemon(true);
        return thread;
    });

    public RecalculationApproval(CommandGateway commands, RecalculationQueries queries) {
        this.commands = commands;
        this.queries = queries;
    }

    /** Records the approval (refused unless the diff is ready), then applies it in the background; blocking. */
    public void approve(String id, String actor, String reason) {
        commands.sendAndWait(new ApproveRecalculation(id, actor, reason));
        applier.execute(() -> apply(id, actor, reason));
    }

    /** Approvals that were interrupted by a stop are finished at the next start. */
    @EventListener(ApplicationReadyEvent.class)
    public void resumeInterrupted() {
        for (String id : queries.idsWithStatus("approved")) {
            RecalculationView view = queries.find(id).orElseThrow();
            applier.execute(() -> apply(id, view.approvedBy(), view.approvalReason()));
        }
    }

    private void apply(String id, String actor, String reason) {
        try {
            long adjusted = 0;
            for (String teamId : queries.lineTeams(id)) {
                String after = "";
                int chunk = 0;
                while (true) {
                    List<RecalculationQueries.ApprovalLine> lines = queries.approvalLines(id, teamId, after, CHUNK);
                    if (lines.isEmpty()) {
                        break;
                    }
                    List<CostAdjustment> adjustments = new ArrayList<>(lines.size());
                    for (RecalculationQueries.ApprovalLine line : lines) {
                        adjustments.add(adjustment(line));
                    }
                    commands.sendAndWait(new AdjustCosts(teamId, id, chunk++, adjustments, actor, reason));
                    adjusted += lines.size();
                    after = lines.get(lines.size() - 1).requestId();
                }
            }
            commands.sendAndWait(new RecordRecalculationApplied(id, adjusted));
            log.info("Recalculation {} applied: {} requests adjusted", id, adjusted);
        } catch (RuntimeException e) {
            log.error("Recalculation {} was approved but could not be applied yet; it resumes at the next start", id,
                    e);
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
