package dev.tollgate.domain.recalculation;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.recalculation.ApproveRecalculation;
import dev.tollgate.api.recalculation.CompleteRecalculation;
import dev.tollgate.api.recalculation.FailRecalculation;
import dev.tollgate.api.recalculation.RecalculationApplied;
import dev.tollgate.api.recalculation.RecalculationApproved;
import dev.tollgate.api.recalculation.RecalculationCompleted;
import dev.tollgate.api.recalculation.RecalculationFailed;
import dev.tollgate.api.recalculation.RecalculationStarted;
import dev.tollgate.api.recalculation.RecalculationSuperseded;
import dev.tollgate.api.recalculation.RecordRecalculationApplied;
import dev.tollgate.api.recalculation.StartRecalculation;
import dev.tollgate.api.recalculation.SupersedeRecalculation;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A re-costing of settled requests after a price correction: started, then ready with its diff (or failed), then
 * approved by someone allowed to, then applied. Its diff changes nothing until it is approved, and it is approved
 * at most once. A recalculation running or ready when another is approved is superseded: its lines were computed
 * against costs that approval changes, so it is never approved (docs/ledger.md, "Cost corrections").
 */
@Revision("2") // 2: it remembers which recalculation superseded it
@Aggregate
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class Recalculation {

    public enum Status { RUNNING, READY, FAILED, APPROVED, APPLIED, SUPERSEDED }

    @AggregateIdentifier
    private String recalculationId;
    private Status status;
    /** The recalculation whose approval superseded this one, when it was superseded. */
    private String supersededBy;

    protected Recalculation() {
        // for Axon
    }

    @CommandHandler
    public Recalculation(StartRecalculation command) {
        Limits.requireId(command.recalculationId(), "recalculation id");
        if (command.from() == null) {
            throw CommandRefused.invalid("a recalculation needs the instant it starts from");
        }
        if (command.reason() == null || command.reason().isBlank()) {
            throw CommandRefused.invalid("a recalculation needs a reason");
        }
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        Instant now = GenericEventMessage.clock.instant();
        Instant to = command.to() == null ? now : command.to();
        if (!command.from().isBefore(to)) {
            throw CommandRefused.invalid("the range of a recalculation must end after it starts");
        }
        if (command.from().isAfter(now)) {
            throw CommandRefused.invalid("a recalculation re-costs the past: 'from' must not lie in the future");
        }
        apply(new RecalculationStarted(command.recalculationId(), command.from(), to, command.reason(),
                command.actor(), now));
    }

    @CommandHandler
    public void handle(CompleteRecalculation command) {
        if (status != Status.RUNNING) {
            return; // a late repeat after a failure or completion: the first word stands
        }
        apply(new RecalculationCompleted(recalculationId, command.scanned(), command.changed(), command.oldTotal(),
                command.newTotal(), GenericEventMessage.clock.instant()));
    }

    @CommandHandler
    public void handle(FailRecalculation command) {
        if (status == Status.RUNNING) {
            apply(new RecalculationFailed(recalculationId, command.error(), GenericEventMessage.clock.instant()));
        }
    }

    @CommandHandler
    public void handle(ApproveRecalculation command) {
        if (command.reason() == null || command.reason().isBlank()) {
            throw CommandRefused.invalid("an approval needs a reason");
        }
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        switch (status) {
            case READY -> apply(new RecalculationApproved(recalculationId, command.actor(), command.reason(),
                    GenericEventMessage.clock.instant()));
            case RUNNING -> throw CommandRefused.conflict("recalculation '" + recalculationId
                    + "' is still running: approve it when its diff is ready");
            case FAILED -> throw CommandRefused.conflict("recalculation '" + recalculationId
                    + "' failed: start a new one");
            case APPROVED, APPLIED -> throw CommandRefused.conflict("recalculation '" + recalculationId
                    + "' is already approved");
            case SUPERSEDED -> throw CommandRefused.conflict("recalculation '" + recalculationId
                    + "' was superseded by the approval of recalculation '" + supersededBy + "': its lines were "
                    + "computed against costs that approval changed, so applying them would charge those "
                    + "corrections twice. Start a new recalculation (POST /admin/recalculations) over the same range: "
                    + "it re-costs from the corrected costs.");
        }
    }

    @CommandHandler
    public void handle(SupersedeRecalculation command) {
        if (recalculationId.equals(command.supersededBy())) {
            return; // the approved one itself
        }
        if (status == Status.RUNNING || status == Status.READY) {
            apply(new RecalculationSuperseded(recalculationId, command.supersededBy(), command.actor(),
                    GenericEventMessage.clock.instant()));
        }
        // approved, applied, failed or superseded already: its outcome stands
    }

    @CommandHandler
    public void handle(RecordRecalculationApplied command) {
        if (status == Status.APPROVED) {
            apply(new RecalculationApplied(recalculationId, command.adjusted(), GenericEventMessage.clock.instant()));
        }
    }

    @EventSourcingHandler
    void on(RecalculationStarted event) {
        recalculationId = event.recalculationId();
        status = Status.RUNNING;
    }

    @EventSourcingHandler
    void on(RecalculationCompleted event) {
        status = Status.READY;
    }

    @EventSourcingHandler
    void on(RecalculationFailed event) {
        status = Status.FAILED;
    }

    @EventSourcingHandler
    void on(RecalculationApproved event) {
        status = Status.APPROVED;
    }

    @EventSourcingHandler
    void on(RecalculationApplied event) {
        status = Status.APPLIED;
    }

    @EventSourcingHandler
    void on(RecalculationSuperseded event) {
        status = Status.SUPERSEDED;
        supersededBy = event.supersededBy();
    }
}
