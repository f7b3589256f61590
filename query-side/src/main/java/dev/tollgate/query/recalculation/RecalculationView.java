package dev.tollgate.query.recalculation;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * A recalculation: running (with its progress), ready (with its diff summary), failed, approved or applied; or
 * superseded, by the approval of another while it was running or ready (it can no longer be approved).
 *
 * @param summary      {@code null} while it runs (and when it was superseded before its diff was complete)
 * @param supersededBy the recalculation whose approval superseded it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RecalculationView(String id, String object, String status, Instant from, Instant to, String reason,
                                String requestedBy, Instant requestedAt, Progress progress, Summary summary,
                                String error, String approvedBy, Instant approvedAt, String approvalReason,
                                Instant appliedAt, Long adjusted, String supersededBy, Instant supersededAt) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Progress(long processed, long total) {
    }

    /** Over the requests whose cost changes ({@code messages}); {@code scanned}: all re-costed. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(long scanned, long messages, String oldTotal, String newTotal, String difference,
                          List<TeamDiff> teams) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TeamDiff(String teamId, long messages, String oldTotal, String newTotal, String difference) {
    }
}
