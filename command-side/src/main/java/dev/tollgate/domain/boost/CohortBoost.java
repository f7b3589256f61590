package dev.tollgate.domain.boost;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.boost.CohortBoostDistributed;
import dev.tollgate.api.boost.CohortBoostDistributedWithoutRecord;
import dev.tollgate.api.boost.CohortBoostGrantRepeated;
import dev.tollgate.api.boost.CohortBoostGranted;
import dev.tollgate.api.boost.CohortBoostRevoked;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.ConfirmCohortBoostDistribution;
import dev.tollgate.api.boost.GrantCohortBoost;
import dev.tollgate.api.boost.RecordCohortBoostDistribution;
import dev.tollgate.api.boost.RevokeCohortBoost;
import dev.tollgate.api.boost.SkippedMember;
import dev.tollgate.api.money.Money;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One decision to boost a cohort: who, how much, when, why, by whom. Each member's boost is then recorded on the
 * member's team (the teams decide spend), by the edge's cohort boost distributor. The actor's budget cap goes with
 * it: each member's team decides whether that member's share fits under it (a member it does not fit is not boosted,
 * as a member at the most boosts an account holds is not), since only the team knows the member's limit and boosts.
 */
@Revision("3")
@Aggregate
public class CohortBoost {

    /**
     * How often a retry of a grant whose distribution is not recorded asks the distributor again: a client retrying in
     * a loop appends at most one {@link CohortBoostGrantRepeated} per interval to the boost's stream and to the
     * distributor's queue, which every cohort boost shares. The distributor retries its transient failures and parks a
     * cohort boost that fails for good with its later events, this one included, so the one asked is answered (for a
     * parked boost, once an admin has retried it).
     */
    static final Duration REPEAT_ASKS_EVERY = Duration.ofMinutes(1);

    @AggregateIdentifier
    private String boostId;
    private List<String> teams;
    private Instant endsAt;
    private boolean revoked;
    /** The decision's terms, to tell a repeated grant (a client's retry) from another use of the id. */
    private String selector;
    private Money amount;
    private int members;
    /** The members as granted, for a list cohort's repeated grant; a tag cohort's members may differ by then. */
    private String membersDigest;
    /**
     * Every member has been offered their share ({@link CohortBoostDistributed}), or the distributor went through the
     * cohort without recording it, as before 2026-12-07 ({@link CohortBoostDistributedWithoutRecord}).
     */
    private boolean distributed;
    /** When a retry last asked the distributor to confirm ({@link CohortBoostGrantRepeated}); null: never. */
    private Instant repeatAskedAt;

    protected CohortBoost() {
        // for Axon
    }

    /**
     * Records the decision, or, for a grant of a cohort boost already granted, answers as the first did when its terms
     * (selector, amount, end) are the same, as a boost of one account does: a client's retry changes nothing for the
     * members. Once the boost has ended (revoked, or past its end) it is a conflict, as for a boost of one account. A
     * retry before the distribution is recorded records that it came ({@link CohortBoostGrantRepeated}): a cohort
     * boost granted before distributions were recorded would otherwise keep its retry waiting for one.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(GrantCohortBoost command) {
        if (boostId != null) {
            repeated(command);
            return;
        }
        Limits.requireId(command.boostId(), "boost id");
        Limits.optionalLine(command.selector(), Limits.TEXT, "cohort selector");
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (command.members().isEmpty()) {
            throw CommandRefused.invalid("the cohort has no members");
        }
        if (command.amount() == null || command.amount().isNegative() || command.amount().isZero()) {
            throw CommandRefused.invalid("a boost needs a positive amount");
        }
        if (command.startsAt() == null || command.endsAt() == null || !command.endsAt().isAfter(command.startsAt())) {
            throw CommandRefused.invalid("a boost ends after it starts");
        }
        Instant now = GenericEventMessage.clock.instant();
        if (!command.endsAt().isAfter(now)) {
            throw CommandRefused.invalid("a boost that has already ended boosts nothing");
        }
        apply(new CohortBoostGranted(command.boostId(), command.members(), command.selector(), command.amount(),
                command.startsAt(), command.endsAt(), command.reason(), command.actor(), now, command.limitCap()));
    }

    private void repeated(GrantCohortBoost command) {
        // Ended, revoked or past its end (whatever the terms sent): as a team refuses its boost of one account once
        // ended, so that a repeated grant never brings an ended boost back.
        if (revoked || !GenericEventMessage.clock.instant().isBefore(endsAt)) {
            throw CommandRefused.conflict("boost '" + boostId + "' has ended (revoked or expired): a boost id is "
                    + "granted once; grant a new boost with a new id");
        }
        boolean same = Objects.equals(selector, command.selector()) && Objects.equals(amount, command.amount())
                && Objects.equals(endsAt, command.endsAt());
        if (!same) {
            throw CommandRefused.conflict("boost '" + boostId + "' was already granted with other terms (" + amount
                    + " until " + endsAt + "): a boost id is one decision; grant a new boost with a new id");
        }
        // a tag names its members when first granted (users tagged since are not added); a list names them itself
        boolean byTag = selector != null && selector.startsWith("tag:");
        if (!byTag && !digest(command.members()).equals(membersDigest)) {
            throw CommandRefused.conflict("boost '" + boostId + "' was already granted to other users: a boost id is "
                    + "one decision; grant a new boost with a new id");
        }
        Instant now = GenericEventMessage.clock.instant();
        if (!distributed && (repeatAskedAt == null || !now.isBefore(repeatAskedAt.plus(REPEAT_ASKS_EVERY)))) {
            // Its distribution is under way (the distributor records it shortly), or the distributor went through the
            // grant long ago without recording one (before 2026-12-07): only the distributor can tell, by handling
            // this after the grant. Asked once per REPEAT_ASKS_EVERY, however often the client retries.
            apply(new CohortBoostGrantRepeated(boostId, command.actor(), now));
        }
    }

    @CommandHandler
    public void handle(RevokeCohortBoost command) {
        Limits.optionalText(command.reason(), Limits.TEXT, "reason");
        if (!revoked) {
            apply(new CohortBoostRevoked(boostId, teams, command.actor(), command.reason(),
                    GenericEventMessage.clock.instant()));
        }
    }

    /**
     * Records that every member has been offered their share, and who was refused it. Once: a distribution resumed
     * after a restart offers the shares again (each granted once) and sends this again, which changes nothing.
     */
    @CommandHandler
    public void handle(RecordCohortBoostDistribution command) {
        if (distributed) {
            return;
        }
        if (command.skipped().size() > members) {
            throw CommandRefused.invalid("a cohort of " + members + " cannot have " + command.skipped().size()
                    + " members skipped");
        }
        for (SkippedMember member : command.skipped()) {
            Limits.requireId(member.teamId(), "team id");
            Limits.require(member.userId(), Limits.USER_ID, "user id");
            Limits.optionalText(member.reason(), Limits.TEXT, "reason");
        }
        apply(new CohortBoostDistributed(boostId, members - command.skipped().size(), command.skipped(),
                GenericEventMessage.clock.instant()));
    }

    /**
     * The distributor has been through the cohort (it confirms so after the grant, in order): with no distribution
     * recorded by then, the grant was distributed without a record, as before 2026-12-07. Once only.
     */
    @CommandHandler
    public void handle(ConfirmCohortBoostDistribution command) {
        if (!distributed) {
            apply(new CohortBoostDistributedWithoutRecord(boostId, GenericEventMessage.clock.instant()));
        }
    }

    /** The members, whatever their order, as one short string (SHA-256 of the sorted {@code team/user} lines). */
    static String digest(List<CohortMember> members) {
        String lines = members.stream().map(m -> m.teamId() + "/" + m.userId()).sorted()
                .collect(Collectors.joining("\n"));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(lines.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @EventSourcingHandler
    void on(CohortBoostGranted event) {
        members = event.members().size();
        membersDigest = digest(event.members());
        boostId = event.boostId();
        teams = event.members().stream().map(CohortMember::teamId).distinct().sorted().toList();
        endsAt = event.endsAt();
        selector = event.selector();
        amount = event.amount();
    }

    @EventSourcingHandler
    void on(CohortBoostRevoked event) {
        revoked = true;
    }

    @EventSourcingHandler
    void on(CohortBoostDistributed event) {
        distributed = true;
    }

    @EventSourcingHandler
    void on(CohortBoostDistributedWithoutRecord event) {
        distributed = true;
    }

    @EventSourcingHandler
    void on(CohortBoostGrantRepeated event) {
        repeatAskedAt = event.at();
    }
}
