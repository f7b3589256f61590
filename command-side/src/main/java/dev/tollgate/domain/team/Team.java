package dev.tollgate.domain.team;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.ExpireReservations;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReservationExpired;
import dev.tollgate.api.spend.ReservationReleased;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendLine;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A team and its members' budgets: the consistency boundary of every spend decision.
 * <p>
 * A request is charged to its user and to the user's team at once, so both budgets live here and one event
 * decides both (see docs/adr/0001). Every request ends in exactly one of settled, released, rejected or expired:
 * a request id is open at most once, and once closed it is remembered (a bounded window) so that a retried line
 * cannot act twice.
 */
@Aggregate(cache = "teamCache", snapshotTriggerDefinition = "teamSnapshotTrigger")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class Team {

    /** How many closed request ids are remembered to make retried lines harmless. */
    static final int CLOSED_WINDOW = 10_000;
    static final String GATEWAY_ACTOR = "gateway";

    @AggregateIdentifier
    private String teamId;
    private String name;
    private Budget budget;
    private Budget memberBudget;
    private OverBudgetPolicy policy;
    private Account account;
    private Map<String, Member> members = new HashMap<>();
    private Map<String, String> memberIdsByExternalId = new HashMap<>();
    private Map<String, Reservation> open = new HashMap<>();
    private Instant earliestExpiry;
    private LinkedHashMap<String, String> recentlyClosed = new LinkedHashMap<>();

    protected Team() {
        // for Axon and snapshots
    }

    @CommandHandler
    public Team(CreateTeam command) {
        requireText(command.teamId(), "team id");
        Instant now = now();
        Budget budget = orUnlimited(command.budget());
        apply(new TeamCreated(command.teamId(), command.name(), budget, orUnlimited(command.memberBudget()),
                command.policy() == null ? OverBudgetPolicy.CLAMP : command.policy(), command.actor(),
                command.reason(), now, Account.fresh(now, budget.period()).balance(budget)));
    }

    @CommandHandler
    public void handle(SetTeamBudget command) {
        Instant now = now();
        Budget newBudget = orUnlimited(command.budget());
        Account rebased = account.rebased(budget.period(), newBudget.period(), now);
        apply(new TeamBudgetSet(teamId, newBudget,
                command.memberBudget() == null ? memberBudget : command.memberBudget(),
                command.policy() == null ? policy : command.policy(), budget, command.actor(), command.reason(), now,
                rebased.balance(newBudget)));
    }

    @CommandHandler
    public void handle(RegisterUser command) {
        requireText(command.userId(), "user id");
        if (members.containsKey(command.userId())) {
            throw CommandRefused.conflict("user '" + command.userId() + "' is already a member of team '" + teamId + "'");
        }
        String externalId = command.externalId() == null || command.externalId().isBlank()
                ? command.userId() : command.externalId();
        if (memberIdsByExternalId.containsKey(externalId)) {
            throw CommandRefused.conflict("team '" + teamId + "' already has a user named '" + externalId + "'");
        }
        register(command.userId(), externalId, command.name(), command.budget(), false, command.actor(), now());
    }

    @CommandHandler
    public void handle(SetUserBudget command) {
        Member member = members.get(command.userId());
        if (member == null) {
            throw CommandRefused.notFound("user '" + command.userId() + "' is not a member of team '" + teamId + "'");
        }
        Instant now = now();
        Budget before = member.effectiveBudget(memberBudget);
        Budget after = command.budget() != null ? command.budget() : memberBudget;
        Account rebased = member.account().rebased(before.period(), after.period(), now);
        apply(new UserBudgetSet(teamId, member.userId(), command.budget(), member.ownBudget(), command.actor(),
                command.reason(), now, rebased.balance(after)));
    }

    @CommandHandler
    public SpendBatchResult handle(RecordSpendBatch command) {
        Instant now = now();
        expireOverdue(now);
        List<SpendOutcome> outcomes = new ArrayList<>(command.lines().size());
        for (SpendLine line : command.lines()) {
            if (line instanceof ReserveSpend reserve) {
                outcomes.add(reserve(reserve, now));
            } else if (line instanceof SettleSpend settle) {
                outcomes.add(settle(settle, now));
            } else if (line instanceof ReleaseReservation release) {
                outcomes.add(release(release, now));
            }
        }
        return new SpendBatchResult(outcomes);
    }

    @CommandHandler
    public int handle(ExpireReservations command) {
        return expireOverdue(now());
    }

    private SpendOutcome reserve(ReserveSpend line, Instant now) {
        Reservation existing = open.get(line.requestId());
        if (existing != null) {
            return new SpendOutcome.Reserved(existing.requestId(), existing.userId(), Money.ofNanos(existing.amount()),
                    existing.grantedMaxTokens(), existing.clamped());
        }
        if (recentlyClosed.containsKey(line.requestId())) {
            return new SpendOutcome.NotOpen(line.requestId(), recentlyClosed.get(line.requestId()));
        }
        Member member = memberFor(line, now);
        if (line.userId() != null && member == null) {
            return reject(line, null, "user", line.userId(), line.worstCase(), Money.ZERO, null,
                    "user '" + line.userId() + "' is not a member of team '" + teamId + "'", now);
        }

        Account teamAccount = account.rolledTo(now, budget.period());
        long teamAvailable = teamAccount.available(budget);
        Budget userBudget = member == null ? null : member.effectiveBudget(memberBudget);
        Account userAccount = member == null ? null : member.account().rolledTo(now, userBudget.period());
        long userAvailable = member == null ? Long.MAX_VALUE : userAccount.available(userBudget);
        long available = Math.min(teamAvailable, userAvailable);

        Money worstCase = line.worstCase();
        long granted = line.maxOutputTokens();
        Money amount = worstCase;
        if (worstCase.nanos() > available) {
            long minTokens = Math.min(line.minOutputTokens(), line.maxOutputTokens());
            Money minimum = line.promptCost().plus(line.outputPrice().costOf(minTokens));
            Money needed = policy == OverBudgetPolicy.CLAMP ? minimum : worstCase;
            if (policy != OverBudgetPolicy.CLAMP || minimum.nanos() > available) {
                boolean userLimits = userAvailable < needed.nanos() && userAvailable <= teamAvailable;
                return userLimits
                        ? reject(line, member, "user", member.userId(), needed, Money.ofNanos(userAvailable),
                        userBudget.period().endOf(userAccount.periodStart()), "budget_exhausted", now)
                        : reject(line, member, "team", teamId, needed, Money.ofNanos(teamAvailable),
                        budget.period().endOf(teamAccount.periodStart()), "budget_exhausted", now);
            }
            Money affordable = Money.ofNanos(available).minus(line.promptCost());
            granted = line.outputPrice().affordableTokens(affordable, line.maxOutputTokens());
            amount = line.promptCost().plus(line.outputPrice().costOf(granted));
        }

        Instant expiresAt = now.plus(line.ttl());
        apply(new SpendReserved(line.requestId(), teamId, member == null ? null : member.userId(), line.keyId(),
                line.model(), amount, line.maxOutputTokens(), granted, granted < line.maxOutputTokens(), now, expiresAt,
                teamAccount.reserve(amount.nanos()).balance(budget),
                member == null ? null : userAccount.reserve(amount.nanos()).balance(userBudget)));
        return new SpendOutcome.Reserved(line.requestId(), member == null ? null : member.userId(), amount, granted,
                granted < line.maxOutputTokens());
    }

    /** The member the line is charged to; a team key's unknown {@code user} is registered on first sight. */
    private Member memberFor(ReserveSpend line, Instant now) {
        if (line.userId() != null) {
            return members.get(line.userId());
        }
        if (line.externalUserId() == null || line.externalUserId().isBlank()) {
            return null;
        }
        String userId = memberIdsByExternalId.get(line.externalUserId());
        if (userId == null) {
            userId = teamId + ":" + line.externalUserId();
            register(userId, line.externalUserId(), line.externalUserId(), null, true, GATEWAY_ACTOR, now);
        }
        return members.get(userId);
    }

    private SpendOutcome reject(ReserveSpend line, Member member, String limitingBudget, String accountId,
                                Money needed, Money available, Instant resetsAt, String reason, Instant now) {
        apply(new SpendRejected(line.requestId(), teamId, member == null ? line.userId() : member.userId(),
                line.keyId(), line.model(), limitingBudget, needed, available, resetsAt, now));
        return new SpendOutcome.Rejected(line.requestId(), limitingBudget, accountId, needed, available, resetsAt,
                reason);
    }

    private SpendOutcome settle(SettleSpend line, Instant now) {
        Reservation reservation = open.get(line.requestId());
        if (reservation == null) {
            return notOpen(line.requestId());
        }
        if (line.cost().isNegative()) {
            throw CommandRefused.invalid("a cost cannot be negative (request " + line.requestId() + ")");
        }
        Balances after = close(reservation, line.cost().nanos(), now);
        apply(new SpendSettled(reservation.requestId(), teamId, reservation.userId(), reservation.keyId(),
                line.model() == null ? reservation.model() : line.model(), line.provider(), line.deployment(),
                line.usage(), Money.ofNanos(reservation.amount()), line.cost(), line.priceVersion(),
                line.latencyMillis(), reservation.at(), now, after.team(), after.user()));
        return new SpendOutcome.Settled(line.requestId(), line.cost());
    }

    private SpendOutcome release(ReleaseReservation line, Instant now) {
        Reservation reservation = open.get(line.requestId());
        if (reservation == null) {
            return notOpen(line.requestId());
        }
        Balances after = close(reservation, 0, now);
        apply(new ReservationReleased(reservation.requestId(), teamId, reservation.userId(), reservation.keyId(),
                Money.ofNanos(reservation.amount()), line.reason(), now, after.team(), after.user()));
        return new SpendOutcome.Released(line.requestId());
    }

    /** Charges every reservation past its deadline at its estimate; answers how many expired. */
    private int expireOverdue(Instant now) {
        if (earliestExpiry == null || now.isBefore(earliestExpiry)) {
            return 0;
        }
        List<Reservation> overdue = open.values().stream()
                .filter(r -> !now.isBefore(r.expiresAt()))
                .sorted((a, b) -> a.expiresAt().compareTo(b.expiresAt()))
                .toList();
        for (Reservation reservation : overdue) {
            Balances after = close(reservation, reservation.amount(), now);
            apply(new ReservationExpired(reservation.requestId(), teamId, reservation.userId(), reservation.keyId(),
                    Money.ofNanos(reservation.amount()), true, reservation.at(), reservation.expiresAt(), now,
                    after.team(), after.user()));
        }
        return overdue.size();
    }

    private record Balances(AccountBalance team, AccountBalance user) {
    }

    /** The team's and the member's balances once {@code reservation} is closed with {@code cost}. */
    private Balances close(Reservation reservation, long cost, Instant now) {
        AccountBalance teamAfter = account.rolledTo(now, budget.period())
                .settle(reservation.at(), reservation.amount(), cost).balance(budget);
        Member member = reservation.userId() == null ? null : members.get(reservation.userId());
        if (member == null) {
            return new Balances(teamAfter, null);
        }
        Budget userBudget = member.effectiveBudget(memberBudget);
        AccountBalance userAfter = member.account().rolledTo(now, userBudget.period())
                .settle(reservation.at(), reservation.amount(), cost).balance(userBudget);
        return new Balances(teamAfter, userAfter);
    }

    private SpendOutcome notOpen(String requestId) {
        return new SpendOutcome.NotOpen(requestId, recentlyClosed.getOrDefault(requestId, "unknown"));
    }

    private void register(String userId, String externalId, String name, Budget ownBudget, boolean auto,
                          String actor, Instant now) {
        Budget effective = ownBudget != null ? ownBudget : memberBudget;
        apply(new UserRegistered(teamId, userId, externalId, name, ownBudget, auto, actor, now,
                Account.fresh(now, effective.period()).balance(effective)));
    }

    // ------------------------------------------------------------------ state changes (no decisions below here)

    @EventSourcingHandler
    void on(TeamCreated event) {
        teamId = event.teamId();
        name = event.name();
        budget = event.budget();
        memberBudget = event.memberBudget();
        policy = event.policy();
        account = Account.of(event.teamBalance());
    }

    @EventSourcingHandler
    void on(TeamBudgetSet event) {
        Budget previousMemberBudget = memberBudget;
        budget = event.budget();
        memberBudget = event.memberBudget();
        policy = event.policy();
        account = Account.of(event.teamBalance());
        if (!previousMemberBudget.period().equals(memberBudget.period())) {
            members.replaceAll((id, m) -> m.ownBudget() != null ? m : m.withAccount(
                    m.account().rebased(previousMemberBudget.period(), memberBudget.period(), event.at())));
        }
    }

    @EventSourcingHandler
    void on(UserRegistered event) {
        members.put(event.userId(), new Member(event.userId(), event.externalId(), event.name(), event.budget(),
                Account.of(event.userBalance())));
        memberIdsByExternalId.put(event.externalId(), event.userId());
    }

    @EventSourcingHandler
    void on(UserBudgetSet event) {
        members.computeIfPresent(event.userId(),
                (id, m) -> m.withOwnBudget(event.budget(), Account.of(event.userBalance())));
    }

    @EventSourcingHandler
    void on(SpendReserved event) {
        account = Account.of(event.teamBalance());
        updateMemberAccount(event.userId(), event.userBalance());
        open.put(event.requestId(), new Reservation(event.requestId(), event.userId(), event.keyId(), event.model(),
                event.amount().nanos(), event.grantedMaxTokens(), event.clamped(), event.at(), event.expiresAt()));
        if (earliestExpiry == null || event.expiresAt().isBefore(earliestExpiry)) {
            earliestExpiry = event.expiresAt();
        }
    }

    @EventSourcingHandler
    void on(SpendRejected event) {
        remember(event.requestId(), "rejected");
    }

    @EventSourcingHandler
    void on(SpendSettled event) {
        closed(event.requestId(), "settled", event.teamBalance(), event.userId(), event.userBalance());
    }

    @EventSourcingHandler
    void on(ReservationReleased event) {
        closed(event.requestId(), "released", event.teamBalance(), event.userId(), event.userBalance());
    }

    @EventSourcingHandler
    void on(ReservationExpired event) {
        closed(event.requestId(), "expired", event.teamBalance(), event.userId(), event.userBalance());
    }

    private void closed(String requestId, String state, AccountBalance teamBalance, String userId,
                        AccountBalance userBalance) {
        account = Account.of(teamBalance);
        updateMemberAccount(userId, userBalance);
        Reservation removed = open.remove(requestId);
        if (removed != null && removed.expiresAt().equals(earliestExpiry)) {
            earliestExpiry = open.values().stream().map(Reservation::expiresAt).min(Instant::compareTo).orElse(null);
        }
        remember(requestId, state);
    }

    private void updateMemberAccount(String userId, AccountBalance balance) {
        if (userId != null && balance != null) {
            members.computeIfPresent(userId, (id, m) -> m.withAccount(Account.of(balance)));
        }
    }

    private void remember(String requestId, String state) {
        recentlyClosed.put(requestId, state);
        if (recentlyClosed.size() > CLOSED_WINDOW) {
            Iterator<String> eldest = recentlyClosed.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** For tests: how many reservations are open. */
    int openReservations() {
        return open.size();
    }

    private static Instant now() {
        return GenericEventMessage.clock.instant();
    }

    private static Budget orUnlimited(Budget budget) {
        return budget == null ? Budget.UNLIMITED : budget;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw CommandRefused.invalid("a " + what + " is required");
        }
    }
}
