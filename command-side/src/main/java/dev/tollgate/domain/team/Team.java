package dev.tollgate.domain.team;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.api.alert.BudgetThresholdCrossed;
import dev.tollgate.api.alert.CrossingCause;
import dev.tollgate.api.alert.RemoveThreshold;
import dev.tollgate.api.alert.SetThreshold;
import dev.tollgate.api.alert.ThresholdKind;
import dev.tollgate.api.alert.ThresholdRemoved;
import dev.tollgate.api.alert.ThresholdScope;
import dev.tollgate.api.alert.ThresholdSet;
import dev.tollgate.api.boost.BoostExpired;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.BoostRevoked;
import dev.tollgate.api.boost.ExpireBoosts;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.key.IssueKey;
import dev.tollgate.api.key.IssueMemberKey;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.move.AdmitMovedUser;
import dev.tollgate.api.move.CancelUserMove;
import dev.tollgate.api.move.CompleteUserMove;
import dev.tollgate.api.move.StartUserMove;
import dev.tollgate.api.move.UserMoveAwaitingReservations;
import dev.tollgate.api.move.UserMoveCancelled;
import dev.tollgate.api.move.UserMoveStarted;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.move.UserMovedOut;
import dev.tollgate.api.privacy.ErasePersonalData;
import dev.tollgate.api.privacy.PersonalDataErased;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.CostAdjusted;
import dev.tollgate.api.spend.CostAdjustment;
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
import dev.tollgate.api.spend.SpendOverran;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.topup.BudgetToppedUp;
import dev.tollgate.api.topup.TopUpBudget;
import dev.tollgate.domain.key.ApiKey;
import org.axonframework.modelling.command.AggregateLifecycle;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.MemberKeyIssued;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.SetUserTags;
import dev.tollgate.api.team.TeamLimits;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.RemoveUser;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;
import dev.tollgate.api.team.UserTagsSet;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A team and its members' budgets: the consistency boundary of every spend decision.
 * <p>
 * A request is charged to its user, to the user's team and (when it has a budget of its own) to its key at once,
 * so all those budgets live here and one event decides them all (see docs/adr/0001). Time-boxed boosts add to a
 * budget's limit while they are active; the limit in force is computed from their instants, so a boost ends on time
 * whether or not anything runs at that moment. Every request ends in exactly one of settled, released, rejected or
 * expired: a request id is open at most once, and once closed it is remembered (a bounded window) so that a retried
 * line cannot act twice.
 */
@Revision("8")
@Aggregate(cache = "teamCache", snapshotTriggerDefinition = "teamSnapshotTrigger")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class Team {

    /** How many closed request ids are remembered to make retried lines harmless. */
    static final int CLOSED_WINDOW = 10_000;
    /** How many removals are remembered to keep a team key from registering a removed user again. */
    static final int REMOVED_WINDOW = 10_000;
    /**
     * How many accounts of members who left (moved out or removed) the team remembers (the newest), so that one who
     * comes back within the budget period gets back what they spent in it: leaving and coming back never resets a
     * budget. An account is forgotten when its member comes back; one whose period has ended gives back nothing, so
     * only the newest matter. 10,000 is as many as the team's members at the default limit, about 150 bytes each in
     * a snapshot; only a member who comes back after 10,000 later departures, within the period, starts afresh.
     */
    static final int LEFT_ACCOUNTS_REMEMBERED = 10_000;
    /** Recalculations whose recorded chunks are remembered (one is applied at a time, resumed at the next start). */
    static final int RECALCULATIONS_REMEMBERED = 100;
    /** How many moves admitted or closed here are remembered to make a repeated step of a move harmless. */
    static final int MOVES_REMEMBERED = 10_000;
    /** How many keys issued to one member the team remembers (the newest; expired ones are forgotten first). */
    static final int KEYS_REMEMBERED_PER_MEMBER = 1_000;
    /** The most boosts granted and not ended on one account (the team's own, or a member's). */
    static final int BOOSTS_PER_ACCOUNT = 100;
    /**
     * How many top-ups the team remembers (id, account, amount; the newest), so that a top-up sent again with its id
     * (a client's retry after a timeout) changes nothing, and its id with another account or amount is refused. A
     * retry comes within minutes, but the read model lists a top-up by its id for good, so an id is remembered for as
     * long as the team's top-ups allow: 10,000 is more than a team makes in decades (one a day for 27 years), about
     * 100 bytes each in a snapshot. Only a reuse of an id older than the team's last 10,000 top-ups would act again.
     */
    static final int TOP_UPS_REMEMBERED = 10_000;
    /**
     * How many ended boosts (revoked, or recorded as expired) the team remembers by id (the newest), so that a boost
     * id once ended is never granted again: a retried grant cannot bring a revoked boost back while the read model
     * shows it revoked. Ids, not accounts: a cohort boost's shares on a team's members are one id. The live boosts are
     * bounded by {@link #BOOSTS_PER_ACCOUNT}, the ended ones only by this window: 10,000 ids is more than a year of
     * one boost an hour, at most about 100 bytes each in a snapshot. Only a reuse of an id that ended before the
     * team's last 10,000 ended boosts could be granted again.
     */
    static final int ENDED_BOOSTS_REMEMBERED = 10_000;
    /** The most thresholds one team may have (on itself, its members, keys and tags). */
    static final int THRESHOLDS_PER_TEAM = 100;
    /** The highest percentage a threshold may name. */
    static final int MAX_PERCENT = 1000;
    static final String GATEWAY_ACTOR = "gateway";
    /** The "limiting budget" of a request refused because its user is not (or no longer) a member. */
    public static final String MEMBERSHIP = "membership";
    /** The "limiting budget" of a team key's request for a new user when the team has its most members. */
    public static final String MEMBER_LIMIT = "member_limit";

    @AggregateIdentifier
    private String teamId;
    private String name;
    private Budget budget;
    private Budget memberBudget;
    private OverBudgetPolicy policy;
    private Account account;
    private Map<String, Member> members = new HashMap<>();
    private Map<String, String> memberIdsByExternalId = new HashMap<>();
    private Map<String, KeyAccount> keyAccounts = new HashMap<>();
    private Map<String, ActiveBoost> boosts = new LinkedHashMap<>();
    private Map<String, Reservation> open = new HashMap<>();
    private Instant earliestExpiry;
    /**
     * How many open reservations expire at each instant: an index of {@link #open}, so that closing the reservation
     * that expires first finds the next one without going through every open reservation (a hot team holds
     * hundreds). Derived state: not in snapshots (transient), built again from {@link #open} when first needed.
     */
    private transient TreeMap<Instant, Integer> openExpiries;
    private LinkedHashMap<String, String> recentlyClosed = new LinkedHashMap<>();
    /**
     * The last {@link #REMOVED_WINDOW} members removed, oldest first: a team key naming one of them is refused rather
     * than registering them again.
     */
    private LinkedHashSet<String> removedUserIds = new LinkedHashSet<>();
    /**
     * The accounts the last {@link #LEFT_ACCOUNTS_REMEMBERED} members who left (moved out or removed) left with, by
     * user id, oldest first: one who comes back in the same period reopens theirs.
     */
    private LinkedHashMap<String, LeftAccount> leftAccounts = new LinkedHashMap<>();
    /**
     * What is recorded of each of the last {@link #RECALCULATIONS_REMEMBERED} recalculations approved here: how many
     * approval chunks (0 to n-1, recorded in order: a resumed approval never adjusts twice), and when the last of
     * them was (a recalculation computed before that is refused: its lines compare with costs this one changed).
     */
    private LinkedHashMap<String, RecordedChunks> recordedRecalculations = new LinkedHashMap<>();
    /** Thresholds on the team's budgets, by id (at most {@link #THRESHOLDS_PER_TEAM}). */
    private LinkedHashMap<String, BudgetThreshold> thresholds = new LinkedHashMap<>();
    /**
     * The period start of the last crossing of each threshold by each account ({@code <threshold>|<account>}): a
     * threshold is crossed at most once per account and period.
     */
    private Map<String, Instant> crossed = new HashMap<>();
    /**
     * The keys this team let each member hold ({@code MemberKeyIssued}), by user id: key id to expiry ({@code null}:
     * never), oldest first, at most {@link #KEYS_REMEMBERED_PER_MEMBER} per member, forgotten when they leave.
     */
    private Map<String, LinkedHashMap<String, Instant>> memberKeys = new HashMap<>();
    /** Members moving to another team, by user id (at most the members). */
    private Map<String, MoveOut> leaving = new HashMap<>();
    /** The last {@link #MOVES_REMEMBERED} moves admitted or closed here, oldest first. */
    private LinkedHashSet<String> recentMoves = new LinkedHashSet<>();
    /** The last {@link #TOP_UPS_REMEMBERED} top-ups, by id, oldest first: a repeated top-up never acts twice. */
    private LinkedHashMap<String, RecordedTopUp> recentTopUps = new LinkedHashMap<>();
    /**
     * The ids of the last {@link #ENDED_BOOSTS_REMEMBERED} boosts ended here (revoked or expired), oldest first: an
     * ended boost is never granted again.
     */
    private LinkedHashSet<String> endedBoostIds = new LinkedHashSet<>();

    protected Team() {
        // for Axon and snapshots
    }

    // ================================================================== administration

    @CommandHandler
    public Team(CreateTeam command) {
        Limits.requireId(command.teamId(), "team id");
        Limits.optionalLine(command.name(), Limits.NAME, "team name");
        reason(command.reason());
        Instant now = now();
        Budget budget = orUnlimited(command.budget());
        apply(new TeamCreated(command.teamId(), command.name(), budget, orUnlimited(command.memberBudget()),
                command.policy() == null ? OverBudgetPolicy.CLAMP : command.policy(), command.actor(),
                command.reason(), now, Account.fresh(now, budget.period()).balance(budget)));
    }

    @CommandHandler
    public void handle(SetTeamBudget command) {
        reason(command.reason());
        Instant now = now();
        Budget newBudget = orUnlimited(command.budget());
        if (command.limitCap() != null) {
            requireLimitWithinCap(command.limitCap(), null, newBudget, now);
            if (command.memberBudget() != null) {
                requireMemberBudgetWithinCap(command.limitCap(), command.memberBudget(), now);
            }
        }
        Account rebased = account.rebased(budget.period(), newBudget.period(), now);
        Budget previousMemberBudget = memberBudget;
        apply(new TeamBudgetSet(teamId, newBudget,
                command.memberBudget() == null ? memberBudget : command.memberBudget(),
                command.policy() == null ? policy : command.policy(), budget, command.actor(), command.reason(), now,
                rebased.balance(newBudget)));
        crossTeam(CrossingCause.BUDGET_CHANGED, null, now);
        if (!previousMemberBudget.equals(memberBudget)) {
            for (Member member : List.copyOf(members.values())) {
                if (member.ownBudget() == null) {
                    crossMember(member.userId(), CrossingCause.BUDGET_CHANGED, null, now);
                }
            }
        }
    }

    @CommandHandler
    public void handle(RegisterUser command, TeamLimits limits) {
        Limits.requireId(command.userId(), "user id");
        Limits.optionalLine(command.name(), Limits.NAME, "name");
        Limits.optionalLine(command.email(), Limits.EMAIL, "email");
        tags(command.tags());
        if (members.containsKey(command.userId())) {
            throw CommandRefused.conflict(RegisterUser.ALREADY_A_MEMBER,
                    "user '" + command.userId() + "' is already a member of team '" + teamId + "'");
        }
        String externalId = command.externalId() == null || command.externalId().isBlank()
                ? command.userId() : Limits.require(command.externalId(), Limits.EXTERNAL_ID, "external id");
        if (memberIdsByExternalId.containsKey(externalId)) {
            throw CommandRefused.conflict("team '" + teamId + "' already has a user named '" + externalId + "'");
        }
        if (members.size() >= limits.maxMembers()) {
            throw CommandRefused.limitReached("team_member_limit", memberLimitReached(limits));
        }
        register(command.userId(), externalId, command.name(), command.email(), command.budget(), command.tags(),
                false, command.actor(), now());
    }

    @CommandHandler
    public void handle(RemoveUser command) {
        reason(command.reason());
        if (removedUserIds.contains(command.userId()) && !members.containsKey(command.userId())) {
            return; // removed already: removing again changes nothing
        }
        Member member = member(command.userId());
        Instant now = now();
        List<String> stillLive = liveKeysOf(member.userId(), now).stream()
                .filter(keyId -> !command.endedKeyIds().contains(keyId)).toList();
        if (!stillLive.isEmpty()) {
            // a key issued while the sender revoked the others: it must be revoked too, or it would work again
            // the day the member is re-admitted
            throw CommandRefused.conflict("user '" + member.userId() + "' holds keys that are not revoked ("
                    + String.join(", ", stillLive) + "): revoke them, then remove the user");
        }
        apply(new UserRemoved(teamId, member.userId(), member.externalId(), command.actor(), command.reason(), now));
    }

    /**
     * Issues a member's key: only to a live member (not removed, not moving to another team) at this moment, and
     * (when the command bounds it) only while they hold fewer keys than the bound. The key is created in this unit of
     * work, so a key exists only if its member was one, within the bound, when it was decided.
     */
    @CommandHandler
    public void handle(IssueMemberKey command) throws Exception {
        IssueKey key = command.key();
        if (key == null || key.userId() == null || !teamId.equals(key.teamId())) {
            throw CommandRefused.invalid("a member's key names the member and their team '" + teamId + "'");
        }
        if (!members.containsKey(key.userId())) {
            throw CommandRefused.conflict("user '" + key.userId() + "' is not a member of team '" + teamId
                    + "'" + (removedUserIds.contains(key.userId()) ? " (removed): register them again first" : ""));
        }
        MoveOut moving = leaving.get(key.userId());
        if (moving != null) {
            throw CommandRefused.conflict("user '" + key.userId() + "' is moving to team '" + moving.toTeamId()
                    + "': issue their key once the move is done");
        }
        Instant now = now();
        if (key.expiresAt() != null && !key.expiresAt().isAfter(now)) {
            throw CommandRefused.invalid("a key's expiry is in the future");
        }
        if (command.maxLiveKeys() != null) {
            // what the sender saw live, plus what this team issued to them that the sender had not seen yet
            long held = command.liveKeyIds().size() + liveKeysOf(key.userId(), now).stream()
                    .filter(keyId -> !command.seenKeyIds().contains(keyId)).count();
            if (held >= command.maxLiveKeys()) {
                throw CommandRefused.limitReached("key_limit_reached", "You have " + held + " key(s); your team "
                        + "allows at most " + command.maxLiveKeys() + ". Revoke one you no longer use first.");
            }
        }
        AggregateLifecycle.createNew(ApiKey.class, () -> ApiKey.issuedToMember(key));
        apply(new MemberKeyIssued(teamId, key.userId(), key.keyId(), key.expiresAt(), key.actor(), now));
    }

    /** The keys this team let a member hold that have not expired at {@code now} (revoked ones included). */
    private List<String> liveKeysOf(String userId, Instant now) {
        Map<String, Instant> keys = memberKeys.get(userId);
        if (keys == null) {
            return List.of();
        }
        List<String> live = new ArrayList<>();
        keys.forEach((keyId, expiresAt) -> {
            if (expiresAt == null || expiresAt.isAfter(now)) {
                live.add(keyId);
            }
        });
        return live;
    }

    @CommandHandler
    public void handle(SetUserBudget command) {
        reason(command.reason());
        Member member = member(command.userId());
        Instant now = now();
        Budget before = member.effectiveBudget(memberBudget);
        Budget after = command.budget() != null ? command.budget() : memberBudget;
        if (command.limitCap() != null) {
            requireLimitWithinCap(command.limitCap(), member.userId(), after, now);
        }
        Account rebased = member.account().rebased(before.period(), after.period(), now);
        apply(new UserBudgetSet(teamId, member.userId(), command.budget(), member.ownBudget(), command.actor(),
                command.reason(), now, rebased.balance(after)));
        crossMember(member.userId(), CrossingCause.BUDGET_CHANGED, null, now);
    }

    @CommandHandler
    public void handle(SetUserTags command) {
        tags(command.tags());
        reason(command.reason());
        Member member = member(command.userId());
        if (!member.tags().equals(command.tags())) {
            Instant now = now();
            apply(new UserTagsSet(teamId, member.userId(), command.tags(), member.tags(), command.actor(),
                    command.reason(), now));
            crossMember(member.userId(), CrossingCause.THRESHOLD_SET, null, now);
        }
    }

    @CommandHandler
    public void handle(SetKeyBudget command, TeamLimits limits) {
        Limits.requireId(command.keyId(), "key id");
        reason(command.reason());
        Instant now = now();
        KeyAccount existing = keyAccounts.get(command.keyId());
        if (existing == null && command.budget() != null && keyAccounts.size() >= limits.maxMembers()) {
            throw CommandRefused.limitReached("team_key_budget_limit", "team '" + teamId + "' already has "
                    + keyAccounts.size() + " keys with a budget of their own, its most: remove a key's budget first");
        }
        Budget previous = existing == null ? null : existing.budget();
        if (command.budget() == null) {
            if (existing != null) {
                apply(new KeyBudgetSet(teamId, command.keyId(), null, previous, command.actor(), command.reason(), now,
                        null));
            }
            return;
        }
        // A key given a budget while its requests are in flight holds them as reserved: they settle against it.
        Account account = existing == null
                ? Account.fresh(now, command.budget().period())
                        .reserve(openReserved(r -> command.keyId().equals(r.keyId())))
                : existing.account().rebased(existing.budget().period(), command.budget().period(), now);
        apply(new KeyBudgetSet(teamId, command.keyId(), command.budget(), previous, command.actor(), command.reason(),
                now, account.balance(command.budget())));
        crossKey(command.keyId(), CrossingCause.BUDGET_CHANGED, null, now);
    }

    // ================================================================== lifetime allowances

    @CommandHandler
    public void handle(TopUpBudget command) {
        Limits.requireId(command.topUpId(), "top-up id");
        reason(command.reason());
        if (command.amount() == null || command.amount().isNegative() || command.amount().isZero()) {
            throw CommandRefused.invalid("a top-up needs a positive amount");
        }
        RecordedTopUp recorded = recentTopUps.get(command.topUpId());
        if (recorded != null) {
            if (recorded.equals(new RecordedTopUp(command.userId(), command.amount()))) {
                return; // made already (a client's retry): the allowance grows once
            }
            throw CommandRefused.conflict("top-up '" + command.topUpId() + "' was already made, " + recorded.amount()
                    + " for " + (recorded.userId() == null ? "the team's allowance" : "user '" + recorded.userId() + "'")
                    + ": a top-up id is one top-up; give this one a new id");
        }
        Instant now = now();
        if (command.userId() == null) {
            Budget after = toppedUp(budget, command, now);
            apply(new BudgetToppedUp(teamId, command.topUpId(), null, command.amount(), after, command.actor(),
                    command.reason(), now, account.rolledTo(now, after.period()).balance(after)));
            return;
        }
        Member member = member(command.userId());
        if (member.ownBudget() == null) {
            throw CommandRefused.invalid("user '" + member.userId() + "' follows the team's member budget: give them "
                    + "a budget of their own without period (a lifetime allowance) first, then top it up");
        }
        Budget after = toppedUp(member.ownBudget(), command, now);
        apply(new BudgetToppedUp(teamId, command.topUpId(), member.userId(), command.amount(), after,
                command.actor(), command.reason(), now, member.account().rolledTo(now, after.period()).balance(after)));
    }

    /** The allowance after the top-up; only a limited budget without period (a lifetime allowance) takes one. */
    private Budget toppedUp(Budget allowance, TopUpBudget command, Instant now) {
        String whose = account(command.userId());
        if (!allowance.isLimited() || allowance.period() != BudgetPeriod.NONE) {
            throw CommandRefused.invalid("only a lifetime allowance (a limited budget with period 'none') can be "
                    + "topped up; " + whose + " has " + (allowance.isLimited() ? "a " + allowance.period().wireName()
                    + " budget: grant a boost instead" : "no limit"));
        }
        Budget after;
        try {
            after = new Budget(allowance.limit().plus(command.amount()), BudgetPeriod.NONE);
        } catch (ArithmeticException e) {
            throw CommandRefused.invalid("the allowance would be too large");
        }
        // decided here, on the allowance and the boosts as they are now, not on a read model that may lag behind an
        // earlier top-up or grant
        if (command.limitCap() != null) {
            long boosted = boostsNotYetEnded(command.userId(), now);
            long total = Money.saturatedAdd(after.limit().nanos(), boosted);
            if (total > command.limitCap().nanos()) {
                throw CommandRefused.limitReached("permission_denied", "Your budget cap is " + command.limitCap()
                        + ": " + whose + "'s allowance after this top-up, " + after.limit() + (boosted == 0
                        ? ", is above it."
                        : ", with its boosts not yet ended, " + Money.ofNanos(boosted) + ", would come to "
                        + Money.ofNanos(total) + ", above it."));
            }
        }
        return after;
    }

    // ================================================================== moves between teams (docs/adr/0008)

    @CommandHandler
    public void handle(StartUserMove command) {
        Limits.requireId(command.moveId(), "move id");
        Limits.requireId(command.toTeamId(), "team id");
        tags(command.tags());
        reason(command.reason());
        if (command.toTeamId().equals(teamId)) {
            throw CommandRefused.invalid("user '" + command.userId() + "' is a member of team '" + teamId
                    + "' already");
        }
        MoveOut moving = leaving.get(command.userId());
        if (moving != null) {
            if (moving.moveId().equals(command.moveId())) {
                return; // started already
            }
            throw CommandRefused.conflict("user '" + command.userId() + "' is moving to team '"
                    + moving.toTeamId() + "' already");
        }
        Member member = member(command.userId());
        apply(new UserMoveStarted(command.moveId(), teamId, member.userId(), command.toTeamId(), member.externalId(),
                command.tags() == null ? member.tags() : command.tags(), command.actor(), command.reason(), now()));
    }

    @CommandHandler
    public void handle(AdmitMovedUser command, TeamLimits limits) {
        // the tags are the member's as the team they leave knew them (from events older than these checks, too):
        // refusing them here would strand the move halfway
        reason(command.reason());
        if (recentMoves.contains(command.moveId())) {
            return; // admitted already
        }
        if (members.containsKey(command.userId())) {
            throw CommandRefused.conflict("user '" + command.userId() + "' is a member of team '" + teamId
                    + "' already");
        }
        String externalId = command.externalId() == null ? command.userId() : command.externalId();
        if (memberIdsByExternalId.containsKey(externalId)) {
            // the external id is personal data: the refusal (recorded with the cancelled move) does not repeat it
            throw CommandRefused.conflict("team '" + teamId + "' already has a member with the same external id");
        }
        if (members.size() >= limits.maxMembers()) {
            throw CommandRefused.limitReached("team_member_limit", memberLimitReached(limits));
        }
        Instant now = now();
        Account account = returning(command.userId(), memberBudget, now);
        apply(new UserMovedIn(command.moveId(), teamId, command.userId(), command.fromTeamId(), command.externalId(),
                command.tags(), command.actor(), command.reason(), now, account.balance(memberBudget)));
    }

    @CommandHandler
    public void handle(CancelUserMove command) {
        reason(command.reason());
        MoveOut moving = leaving.get(command.userId());
        if (moving == null || !moving.moveId().equals(command.moveId()) || moving.closing()) {
            return; // not this move, or too late to cancel: the member is admitted elsewhere
        }
        apply(new UserMoveCancelled(command.moveId(), teamId, command.userId(), moving.toTeamId(), command.reason(),
                now()));
    }

    @CommandHandler
    public void handle(CompleteUserMove command) {
        MoveOut moving = leaving.get(command.userId());
        if (moving == null || !moving.moveId().equals(command.moveId()) || moving.closing()) {
            return; // closed or closing already
        }
        Instant now = now();
        int open = (int) this.open.values().stream().filter(r -> command.userId().equals(r.userId())).count();
        if (open == 0) {
            moveOut(command.userId(), now);
        } else {
            apply(new UserMoveAwaitingReservations(moving.moveId(), teamId, command.userId(), moving.toTeamId(), open,
                    now));
        }
    }

    /** A closing member's account closes with their last request in flight here. */
    private void closeMoveIfDrained(String userId, Instant now) {
        MoveOut moving = userId == null ? null : leaving.get(userId);
        if (moving != null && moving.closing() && open.values().stream().noneMatch(r -> userId.equals(r.userId()))) {
            moveOut(userId, now);
        }
    }

    private void moveOut(String userId, Instant now) {
        MoveOut moving = leaving.get(userId);
        Member member = member(userId);
        Budget userBudget = member.effectiveBudget(memberBudget);
        apply(new UserMovedOut(moving.moveId(), teamId, userId, moving.toTeamId(), member.externalId(), now,
                member.account().rolledTo(now, userBudget.period()).balance(userBudget)));
    }

    // ================================================================== personal data

    /**
     * Records that a person's personal data is erased (the edge destroys their key once this is recorded). A member
     * keeps their account; their external id becomes their user id. Nothing is decided from personal data, so every
     * amount stays exactly as it was.
     */
    @CommandHandler
    public void handle(ErasePersonalData command) {
        Limits.require(command.userId(), Limits.USER_ID, "user id");
        reason(command.reason());
        apply(new PersonalDataErased(teamId, command.userId(), command.actor(), command.reason(), now()));
    }

    // ================================================================== boosts

    @CommandHandler
    public void handle(GrantBoost command) {
        Limits.requireId(command.boostId(), "boost id");
        reason(command.reason());
        if (command.cohortId() != null) {
            Limits.requireId(command.cohortId(), "cohort id");
        }
        if (command.amount() == null || command.amount().isNegative() || command.amount().isZero()) {
            throw CommandRefused.invalid("a boost needs a positive amount");
        }
        if (command.startsAt() == null || command.endsAt() == null || !command.endsAt().isAfter(command.startsAt())) {
            throw CommandRefused.invalid("a boost ends after it starts");
        }
        Instant now = now();
        // A cohort share's refusal is the skipped member's reason, shown to whoever reads the boost, not an answer to
        // the one who asked: in the third person, with no advice (as at the cap and at boost_limit).
        boolean share = command.cohortId() != null;
        // a grant sent again after its boost was revoked (or ended) must not bring it back; one past its end whose end
        // the sweep has not recorded yet has ended all the same
        if (endedBoostIds.contains(command.boostId()) || boosts.values().stream()
                .anyMatch(b -> b.boostId().equals(command.boostId()) && !now.isBefore(b.endsAt()))) {
            throw CommandRefused.conflict("boost '" + command.boostId() + "' has ended (revoked or expired): " + (share
                    ? "an ended boost is not granted again"
                    : "a boost id is granted once; grant a new boost with a new id"));
        }
        if (!command.endsAt().isAfter(now)) {
            throw CommandRefused.invalid("a boost that has already ended boosts nothing");
        }
        if (command.userId() != null) {
            member(command.userId());
        }
        ActiveBoost granted = boosts.get(ActiveBoost.key(command.boostId(), command.userId()));
        if (granted != null) {
            if (granted.sameTerms(command.amount().nanos(), command.endsAt(), command.cohortId())) {
                return; // granted already (a client's retry, a resumed distribution of a cohort boost): no change
            }
            String terms = " with other terms (" + Money.ofNanos(granted.amount()) + " until " + granted.endsAt()
                    + ")";
            throw CommandRefused.conflict(share
                    ? account(command.userId()) + " already holds boost '" + command.boostId() + "'" + terms
                    + ", not as a share of this cohort boost: a boost id is one decision"
                    : "boost '" + command.boostId() + "' was already granted" + terms + ": a boost id is one "
                    + "decision; grant a new boost with a new id");
        }
        boosts.values().stream()
                .filter(b -> b.boostId().equals(command.boostId()) && !b.sharesCohort(command.cohortId()))
                .findFirst().ifPresent(other -> {
                    // only the shares of one cohort boost carry one id on several accounts
                    throw CommandRefused.conflict(share
                            ? "boost '" + command.boostId() + "' was already granted to " + account(other.userId())
                            + ", not as a share of this cohort boost: a boost id is one decision"
                            : "boost '" + command.boostId() + "' was already granted to "
                            + (other.userId() == null ? "the team" : "user '" + other.userId() + "'")
                            + ": a boost id is one decision; grant a new boost with a new id");
                });
        // The account's boosts past their end are recorded as ended first: only running and future ones count.
        List<ActiveBoost> endedBefore = boosts.values().stream()
                .filter(b -> b.boosts(command.userId()) && !now.isBefore(b.endsAt()))
                .sorted(Comparator.comparing(ActiveBoost::endsAt)).toList();
        endedBefore.forEach(b -> apply(new BoostExpired(teamId, b.boostId(), b.userId(), b.endsAt(), now)));
        // (the boost granted below raises the limit: nothing ended here crosses a threshold the grant would not)
        long onAccount = boosts.values().stream().filter(b -> b.boosts(command.userId())).count();
        if (onAccount >= BOOSTS_PER_ACCOUNT) {
            String held = account(command.userId()) + " already has " + onAccount + " boosts granted and not ended";
            throw CommandRefused.limitReached("boost_limit", share
                    ? held + ", the most an account holds"
                    : held + ", its most: revoke one or wait for one to end");
        }
        if (command.limitCap() != null) {
            requireBoostWithinCap(command, now);
        }
        apply(new BoostGranted(teamId, command.boostId(), command.userId(), command.amount(), command.startsAt(),
                command.endsAt(), command.reason(), command.cohortId(), command.actor(), now));
    }

    @CommandHandler
    public void handle(RevokeBoost command) {
        reason(command.reason());
        Instant now = now();
        List<ActiveBoost> granted = boosts.values().stream()
                .filter(b -> b.boostId().equals(command.boostId())).toList();
        for (ActiveBoost boost : granted) {
            if (now.isBefore(boost.endsAt())) {
                apply(new BoostRevoked(teamId, boost.boostId(), boost.userId(), command.actor(), command.reason(), now));
            } else {
                apply(new BoostExpired(teamId, boost.boostId(), boost.userId(), boost.endsAt(), now));
            }
            crossBoosted(boost.userId(), now);
        }
    }

    @CommandHandler
    public int handle(ExpireBoosts command) {
        Instant now = now();
        List<ActiveBoost> ended = boosts.values().stream().filter(b -> !now.isBefore(b.endsAt()))
                .sorted(Comparator.comparing(ActiveBoost::endsAt)).toList();
        ended.forEach(b -> apply(new BoostExpired(teamId, b.boostId(), b.userId(), b.endsAt(), now)));
        ended.stream().map(b -> java.util.Optional.ofNullable(b.userId())).distinct()
                .forEach(userId -> crossBoosted(userId.orElse(null), now));
        return ended.size();
    }

    /**
     * A capped actor's boost ({@link GrantBoost#limitCap()}) may not leave the account ({@code userId == null}: the
     * team's) with more than the cap: its limit plus every boost on it not yet ended, running or still to start,
     * plus this one. Boosts are counted as if they all ran at once, whether or not their times overlap: the rule
     * cannot be gamed by boosts that start one after another, and decides on the account as it is now, never on a
     * read model that may lag behind an earlier grant. An account without a limit is above every cap.
     */
    private void requireBoostWithinCap(GrantBoost command, Instant now) {
        Money cap = command.limitCap();
        String whose = account(command.userId());
        // A cohort share's refusal is not an answer to the manager who asked (their cohort boost is granted, this
        // member skipped): it is the member's skip reason, shown to whoever may read the boost, so in the third person.
        boolean share = command.cohortId() != null;
        Budget limit = command.userId() == null ? budget : member(command.userId()).effectiveBudget(memberBudget);
        if (!limit.isLimited()) {
            throw CommandRefused.limitReached("permission_denied", share
                    ? "over the granting manager's budget cap of " + cap + ": " + whose + " has no limit, which no "
                    + "capped boost can stay within"
                    : "Your budget cap is " + cap + ": " + whose
                    + " has no limit, which no boost of yours can keep within your cap.");
        }
        long boosted = boostsNotYetEnded(command.userId(), now);
        long after = Money.saturatedAdd(Money.saturatedAdd(limit.limit().nanos(), boosted), command.amount().nanos());
        if (after > cap.nanos()) {
            String sum = whose + "'s limit, " + limit.limit() + ", with its boosts not yet ended, "
                    + Money.ofNanos(boosted) + ", and this " + (share ? "share" : "one") + ", " + command.amount()
                    + ", would come to " + Money.ofNanos(after);
            throw CommandRefused.limitReached("permission_denied", share
                    ? "over the granting manager's budget cap of " + cap + ": " + sum
                    : "Your budget cap is " + cap + ": " + sum + ", above it.");
        }
    }

    /**
     * A capped actor's change of a limit ({@link SetTeamBudget#limitCap()}, {@link SetUserBudget#limitCap()}) may not
     * leave the account ({@code userId == null}: the team's) with more than the cap: the new limit plus every boost on
     * it not yet ended, counted as {@link #requireBoostWithinCap} counts them. Which came first, the boosts or the
     * limit, makes no difference; decided on the account as it is now, never on a read model that may lag behind a
     * grant. A budget without a limit is above every cap.
     */
    private void requireLimitWithinCap(Money cap, String userId, Budget limit, Instant now) {
        String whose = account(userId);
        if (!limit.isLimited()) {
            throw CommandRefused.limitReached("permission_denied", "Your budget cap is " + cap + ": you may not "
                    + "leave " + whose + " without a limit.");
        }
        long boosted = boostsNotYetEnded(userId, now);
        long after = Money.saturatedAdd(limit.limit().nanos(), boosted);
        if (after > cap.nanos()) {
            throw CommandRefused.limitReached("permission_denied", "Your budget cap is " + cap + ": " + whose
                    + "'s limit, " + limit.limit() + ", with its boosts not yet ended, " + Money.ofNanos(boosted)
                    + ", would come to " + Money.ofNanos(after) + ", above it.");
        }
    }

    /**
     * A capped actor's member budget may not leave any member who follows it (no budget of their own) with more than
     * the cap, their boosts not yet ended included; the member budget alone is within it even when nobody follows it
     * (it is the budget of members registered later). The member with the most boosts is the one named.
     */
    private void requireMemberBudgetWithinCap(Money cap, Budget newMemberBudget, Instant now) {
        if (!newMemberBudget.isLimited()) {
            throw CommandRefused.limitReached("permission_denied", "Your budget cap is " + cap + ": you may not "
                    + "make the member budget unlimited.");
        }
        Map<String, Long> boostedByMember = new HashMap<>();
        for (ActiveBoost boost : boosts.values()) {
            if (boost.userId() != null && now.isBefore(boost.endsAt())) {
                Member member = members.get(boost.userId());
                if (member != null && member.ownBudget() == null) {
                    boostedByMember.merge(boost.userId(), boost.amount(), Money::saturatedAdd);
                }
            }
        }
        String most = null;
        long boosted = 0;
        for (Map.Entry<String, Long> member : boostedByMember.entrySet()) {
            if (most == null || member.getValue() > boosted
                    || (member.getValue() == boosted && member.getKey().compareTo(most) < 0)) {
                most = member.getKey();
                boosted = member.getValue();
            }
        }
        long after = Money.saturatedAdd(newMemberBudget.limit().nanos(), boosted);
        if (after > cap.nanos()) {
            throw CommandRefused.limitReached("permission_denied", "Your budget cap is " + cap + ": the member budget, "
                    + newMemberBudget.limit() + (most == null ? ", is above it." : ", with the boosts not yet ended of "
                    + account(most) + ", who follows it, " + Money.ofNanos(boosted) + ", would come to "
                    + Money.ofNanos(after) + ", above it."));
        }
    }

    /**
     * The sum of the boosts on an account ({@code userId == null}: the team's) not yet ended at {@code now}, running
     * or still to start, as if they all ran at once: what a cap bounds.
     */
    private long boostsNotYetEnded(String userId, Instant now) {
        long total = 0;
        for (ActiveBoost boost : boosts.values()) {
            if (boost.boosts(userId) && now.isBefore(boost.endsAt())) {
                total = Money.saturatedAdd(total, boost.amount());
            }
        }
        return total;
    }

    /** An account ({@code userId == null}: the team's) as a refusal names it: {@code user 'bob'}, {@code team 'cs'}. */
    private String account(String userId) {
        return userId == null ? "team '" + teamId + "'" : "user '" + userId + "'";
    }

    /** The sum of the boosts on an account ({@code userId == null}: the team's) active at {@code at}. */
    private long boostsOn(String userId, Instant at) {
        long total = 0;
        for (ActiveBoost boost : boosts.values()) {
            if (boost.boosts(userId) && boost.activeAt(at)) {
                total = Money.saturatedAdd(total, boost.amount());
            }
        }
        return total;
    }

    // ================================================================== thresholds

    @CommandHandler
    public void handle(SetThreshold command) {
        Limits.requireId(command.thresholdId(), "threshold id");
        reason(command.reason());
        if (command.scope() == null) {
            throw CommandRefused.invalid("a threshold needs a scope (team, user, key or tag)");
        }
        ThresholdKind kind = command.kind() == null ? ThresholdKind.PERCENT : command.kind();
        int percent = kind == ThresholdKind.RUN_OUT ? 0 : command.percent();
        if (kind == ThresholdKind.PERCENT && (percent < 1 || percent > MAX_PERCENT)) {
            throw CommandRefused.invalid("a threshold's percent is 1 to " + MAX_PERCENT);
        }
        String subject = command.scope() == ThresholdScope.TEAM ? null
                : Limits.require(command.subject(), Limits.USER_ID, command.scope().wireName() + " of the threshold");
        if (command.scope() == ThresholdScope.USER) {
            member(subject);
        }
        BudgetThreshold threshold = new BudgetThreshold(command.thresholdId(), command.scope(), subject, kind, percent);
        if (threshold.equals(thresholds.get(threshold.thresholdId()))) {
            return; // set already: setting it again changes nothing
        }
        if (!thresholds.containsKey(threshold.thresholdId()) && thresholds.size() >= THRESHOLDS_PER_TEAM) {
            throw CommandRefused.limitReached("threshold_limit", "team '" + teamId + "' already has "
                    + thresholds.size() + " thresholds, its most: remove one first");
        }
        Instant now = now();
        apply(new ThresholdSet(teamId, threshold.thresholdId(), threshold.scope(), subject, kind, percent,
                command.actor(), command.reason(), now));
        // An account already past it crosses it now: whoever set it learns at once.
        if (threshold.watchesTeam()) {
            crossTeam(CrossingCause.THRESHOLD_SET, null, now);
        }
        for (Member member : List.copyOf(members.values())) {
            if (threshold.watches(member)) {
                crossMember(member.userId(), CrossingCause.THRESHOLD_SET, null, now);
            }
        }
        for (KeyAccount key : List.copyOf(keyAccounts.values())) {
            if (threshold.watches(key)) {
                crossKey(key.keyId(), CrossingCause.THRESHOLD_SET, null, now);
            }
        }
    }

    @CommandHandler
    public void handle(RemoveThreshold command) {
        reason(command.reason());
        if (!thresholds.containsKey(command.thresholdId())) {
            throw CommandRefused.notFound("team '" + teamId + "' has no threshold '" + command.thresholdId() + "'");
        }
        apply(new ThresholdRemoved(teamId, command.thresholdId(), command.actor(), command.reason(), now()));
    }

    /** After a boost on an account ended: the account ({@code userId == null}: the team's) may cross. */
    private void crossBoosted(String userId, Instant now) {
        if (userId == null) {
            crossTeam(CrossingCause.BOOST_ENDED, null, now);
        } else {
            crossMember(userId, CrossingCause.BOOST_ENDED, null, now);
        }
    }

    /** After spend was charged to a request's accounts: each of them may cross. */
    private void crossCharged(String userId, String keyId, CrossingCause cause, String requestId, Instant now) {
        if (thresholds.isEmpty()) {
            return;
        }
        crossTeam(cause, requestId, now);
        if (userId != null) {
            crossMember(userId, cause, requestId, now);
        }
        if (keyId != null) {
            crossKey(keyId, cause, requestId, now);
        }
    }

    private void crossTeam(CrossingCause cause, String requestId, Instant now) {
        for (BudgetThreshold threshold : List.copyOf(thresholds.values())) {
            if (threshold.watchesTeam()) {
                cross(threshold, "team", null, null, budget, account, boostsOn(null, now), cause, requestId, now);
            }
        }
    }

    private void crossMember(String userId, CrossingCause cause, String requestId, Instant now) {
        for (BudgetThreshold threshold : List.copyOf(thresholds.values())) {
            Member member = members.get(userId);
            if (member != null && threshold.watches(member)) {
                cross(threshold, "user", userId, null, member.effectiveBudget(memberBudget), member.account(),
                        boostsOn(userId, now), cause, requestId, now);
            }
        }
    }

    private void crossKey(String keyId, CrossingCause cause, String requestId, Instant now) {
        for (BudgetThreshold threshold : List.copyOf(thresholds.values())) {
            KeyAccount key = keyAccounts.get(keyId);
            if (key != null && threshold.watches(key)) {
                cross(threshold, "key", null, keyId, key.budget(), key.account(), 0, cause, requestId, now);
            }
        }
    }

    /**
     * Records the crossing of {@code threshold} by one account, unless the account is not past it, or crossed it
     * already in this period. A percent threshold is crossed when spent reaches that percent of the effective limit
     * (limit plus active boosts); a run-out threshold when, at the pace of the period so far (spent / elapsed), the
     * effective limit is reached before the period ends (judged once a tenth of the period has passed).
     */
    private void cross(BudgetThreshold threshold, String kind, String userId, String keyId, Budget accountBudget,
                       Account current, long boosts, CrossingCause cause, String requestId, Instant now) {
        if (!accountBudget.isLimited()) {
            return;
        }
        long limit = Money.saturatedAdd(accountBudget.limit().nanos(), boosts);
        if (limit <= 0) {
            return;
        }
        Account account = current.rolledTo(now, accountBudget.period());
        String key = crossingKey(threshold.thresholdId(), kind, userId, keyId);
        Instant last = crossed.get(key);
        if (last != null && !last.isBefore(account.periodStart())) {
            return;
        }
        Instant periodEnd = accountBudget.period().endOf(account.periodStart());
        Instant runOut = null;
        if (threshold.kind() == ThresholdKind.PERCENT) {
            if (BigInteger.valueOf(account.spent()).multiply(BigInteger.valueOf(100))
                    .compareTo(BigInteger.valueOf(threshold.percent()).multiply(BigInteger.valueOf(limit))) < 0) {
                return;
            }
        } else {
            runOut = runOut(account, limit, periodEnd, now);
            if (runOut == null || !runOut.isBefore(periodEnd)) {
                return;
            }
        }
        apply(new BudgetThresholdCrossed(teamId + "/" + key.replace('|', '/') + "/" + account.periodStart(), teamId,
                threshold.thresholdId(), threshold.scope(), threshold.subject(), threshold.kind(),
                threshold.percent(), kind, userId, keyId, Money.ofNanos(limit), Money.ofNanos(account.spent()),
                account.periodStart(), periodEnd, runOut, cause, requestId, now));
    }

    /**
     * When the account reaches {@code limit} at the pace of its period so far; {@code null} when that cannot be
     * judged yet (no period, nothing spent, less than a tenth of the period passed).
     */
    static Instant runOutAt(Instant periodStart, Instant periodEnd, long spent, long limit, Instant now) {
        if (periodEnd == null || spent <= 0) {
            return null;
        }
        long length = Duration.between(periodStart, periodEnd).toMillis();
        long elapsed = Duration.between(periodStart, now).toMillis();
        if (elapsed <= 0 || elapsed * 10 < length) {
            return null;
        }
        if (spent >= limit) {
            return now;
        }
        long toLimit = BigInteger.valueOf(elapsed).multiply(BigInteger.valueOf(limit))
                .divide(BigInteger.valueOf(spent)).longValueExact();
        return periodStart.plusMillis(toLimit);
    }

    private static Instant runOut(Account account, long limit, Instant periodEnd, Instant now) {
        return runOutAt(account.periodStart(), periodEnd, account.spent(), limit, now);
    }

    private static String crossingKey(String thresholdId, String kind, String userId, String keyId) {
        return thresholdId + "|" + switch (kind) {
            case "user" -> "user:" + userId;
            case "key" -> "key:" + keyId;
            default -> "team";
        };
    }

    // ================================================================== spend

    @CommandHandler
    public SpendBatchResult handle(RecordSpendBatch command, TeamLimits limits) {
        Instant now = now();
        expireOverdue(now);
        List<SpendOutcome> outcomes = new ArrayList<>(command.lines().size());
        for (SpendLine line : command.lines()) {
            if (line instanceof ReserveSpend reserve) {
                outcomes.add(reserve(reserve, limits, now));
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

    /** One budget a request is charged to, as it stands at the decision. */
    private record Charge(String kind, String accountId, Budget budget, Account account, long available) {

        static Charge of(String kind, String accountId, Budget budget, Account account, long boosts) {
            return new Charge(kind, accountId, budget, account, account.available(budget, boosts));
        }

        Instant resetsAt() {
            return budget.period().endOf(account.periodStart());
        }

        AccountBalance balanceAfterReserving(long amount) {
            return account.reserve(amount).balance(budget);
        }
    }

    private SpendOutcome reserve(ReserveSpend line, TeamLimits limits, Instant now) {
        Reservation existing = open.get(line.requestId());
        if (existing != null) {
            return new SpendOutcome.Reserved(existing.requestId(), existing.userId(), Money.ofNanos(existing.amount()),
                    existing.grantedMaxTokens(), existing.clamped());
        }
        if (recentlyClosed.containsKey(line.requestId())) {
            return new SpendOutcome.NotOpen(line.requestId(), recentlyClosed.get(line.requestId()));
        }
        if (line.userId() != null && !members.containsKey(line.userId())) {
            return reject(line, null, MEMBERSHIP, line.userId(), line.worstCase(), Money.ZERO, null,
                    "user '" + line.userId() + "' is not a member of team '" + teamId + "'", now);
        }
        if (line.userId() != null && leaving.containsKey(line.userId()) && leaving.get(line.userId()).closing()) {
            return reject(line, null, MEMBERSHIP, line.userId(), line.worstCase(), Money.ZERO, null,
                    "user '" + line.userId() + "' moved to team '" + leaving.get(line.userId()).toTeamId() + "'",
                    now);
        }
        if (isNewTeamKeyUser(line)) {
            if (!Limits.isId(line.externalUserId(), Limits.REQUEST_USER)) {
                // the edge refuses such a 'user' (400): a member no admin route could name, and so not erase
                return reject(line, null, MEMBERSHIP, teamId, line.worstCase(), Money.ZERO, null,
                        "a team key's 'user' is " + Limits.idRule(Limits.REQUEST_USER), now);
            }
            String userId = teamId + ":" + line.externalUserId();
            if (removedUserIds.contains(userId)) {
                return reject(line, null, MEMBERSHIP, userId, line.worstCase(), Money.ZERO, null,
                        "user '" + line.externalUserId() + "' was removed from team '" + teamId + "'", now);
            }
            if (members.size() >= limits.maxMembers()) {
                return reject(line, null, MEMBER_LIMIT, teamId, line.worstCase(), Money.ZERO, null,
                        memberLimitReached(limits), now);
            }
            register(userId, line.externalUserId(), line.externalUserId(), null, null, Set.of(), true, GATEWAY_ACTOR,
                    now);
        }
        Member member = memberOf(line);

        List<Charge> charges = new ArrayList<>(3);
        Charge team = Charge.of("team", teamId, budget, account.rolledTo(now, budget.period()), boostsOn(null, now));
        charges.add(team);
        Charge user = null;
        if (member != null) {
            Budget userBudget = member.effectiveBudget(memberBudget);
            user = Charge.of("user", member.userId(), userBudget,
                    member.account().rolledTo(now, userBudget.period()), boostsOn(member.userId(), now));
            charges.add(user);
        }
        Charge key = null;
        KeyAccount keyAccount = line.keyId() == null ? null : keyAccounts.get(line.keyId());
        if (keyAccount != null) {
            key = Charge.of("key", keyAccount.keyId(), keyAccount.budget(),
                    keyAccount.account().rolledTo(now, keyAccount.budget().period()), 0);
            charges.add(key);
        }
        long available = Long.MAX_VALUE;
        for (Charge charge : charges) {
            available = Math.min(available, charge.available());
        }

        Money worstCase = line.worstCase();
        if (line.recountShare() > 0 && worstCase.nanos() > available / line.recountShare()) {
            // priced by the prompt's upper bound, close to what is left: decided on the exact count instead
            return new SpendOutcome.Recount(line.requestId());
        }
        long granted = line.maxOutputTokens();
        Money amount = worstCase;
        if (worstCase.nanos() > available) {
            long minTokens = Math.min(line.minOutputTokens(), line.maxOutputTokens());
            Money minimum = line.promptCost().plus(line.outputPrice().costOf(minTokens));
            Money needed = policy == OverBudgetPolicy.CLAMP ? minimum : worstCase;
            if (policy != OverBudgetPolicy.CLAMP || minimum.nanos() > available) {
                // Name the budget that is shortest of what the request needs (the user's before the team's).
                Charge limiting = charges.stream()
                        .filter(c -> c.available() < needed.nanos())
                        .min(Comparator.comparingLong(Charge::available)
                                .thenComparing(c -> c.kind().equals("user") ? 0 : c.kind().equals("key") ? 1 : 2))
                        .orElse(team);
                return reject(line, member, limiting.kind(), limiting.accountId(), needed,
                        Money.ofNanos(limiting.available()), limiting.resetsAt(), "budget_exhausted", now);
            }
            Money affordable = Money.ofNanos(available).minus(line.promptCost());
            granted = line.outputPrice().affordableTokens(affordable, line.maxOutputTokens());
            amount = line.promptCost().plus(line.outputPrice().costOf(granted));
        }

        Instant expiresAt = now.plus(line.ttl());
        long reserved = amount.nanos();
        apply(new SpendReserved(line.requestId(), teamId, member == null ? null : member.userId(), line.keyId(),
                line.model(), amount, line.maxOutputTokens(), granted, granted < line.maxOutputTokens(), now, expiresAt,
                line.tags(), team.balanceAfterReserving(reserved),
                user == null ? null : user.balanceAfterReserving(reserved),
                key == null ? null : key.balanceAfterReserving(reserved)));
        return new SpendOutcome.Reserved(line.requestId(), member == null ? null : member.userId(), amount, granted,
                granted < line.maxOutputTokens());
    }

    /** Refuses a reason (or any audit text) with NUL or another control character, or too long. */
    private static void reason(String reason) {
        Limits.optionalText(reason, Limits.TEXT, "reason");
    }

    /** Refuses a tag that is not one line of at most {@link Limits#ID} characters. */
    private static void tags(Set<String> tags) {
        Limits.optionalLines(tags, Limits.ID, "tag");
    }

    /** A team key's {@code user} the team does not know yet: it is registered on first sight, if it may be. */
    private boolean isNewTeamKeyUser(ReserveSpend line) {
        return line.userId() == null && line.externalUserId() != null && !line.externalUserId().isBlank()
                && !memberIdsByExternalId.containsKey(line.externalUserId())
                // an erased member keeps their account under their user id (the external id is gone)
                && !members.containsKey(teamId + ":" + line.externalUserId());
    }

    /** The member the line is charged to, or {@code null} for the team alone. */
    private Member memberOf(ReserveSpend line) {
        if (line.userId() != null) {
            return members.get(line.userId());
        }
        if (line.externalUserId() == null || line.externalUserId().isBlank()) {
            return null;
        }
        String userId = memberIdsByExternalId.get(line.externalUserId());
        return members.get(userId != null ? userId : teamId + ":" + line.externalUserId());
    }

    private String memberLimitReached(TeamLimits limits) {
        return "team '" + teamId + "' has " + members.size() + " members, its most (" + limits.maxMembers()
                + "): remove members or raise the limit";
    }

    private SpendOutcome reject(ReserveSpend line, Member member, String limitingBudget, String accountId,
                                Money needed, Money available, Instant resetsAt, String reason, Instant now) {
        if (line.recountShare() > 0) {
            return new SpendOutcome.Recount(line.requestId()); // a refusal is recorded with the exact count only
        }
        apply(new SpendRejected(line.requestId(), teamId, member == null ? line.userId() : member.userId(),
                line.keyId(), line.model(), limitingBudget, needed, available, resetsAt, now, line.tags()));
        return new SpendOutcome.Rejected(line.requestId(), limitingBudget, accountId, needed, available, resetsAt,
                reason);
    }

    private SpendOutcome settle(SettleSpend line, Instant now) {
        Reservation reservation = open.get(line.requestId());
        if (reservation == null) {
            return notOpen(line.requestId());
        }
        if (line.cost().isNegative()) {
            // refused alone: a command refused whole would fail every other request's line of the batch
            return new SpendOutcome.Refused(line.requestId(), "a cost cannot be negative");
        }
        Balances after = close(reservation, line.cost().nanos(), now);
        String model = line.model() == null ? reservation.model() : line.model();
        Money reserved = Money.ofNanos(reservation.amount());
        apply(new SpendSettled(reservation.requestId(), teamId, reservation.userId(), reservation.keyId(), model,
                line.provider(), line.deployment(), line.usage(), reserved, line.cost(), line.priceVersion(),
                line.latencyMillis(), reservation.at(), now, after.team(), after.user(), after.key(),
                reservation.tags(), line.attempts()));
        if (line.cost().isGreaterThan(reserved)) {
            // Never hidden in a total: the excess is its own fact (and counted in the balances above).
            apply(new SpendOverran(reservation.requestId(), teamId, reservation.userId(), reservation.keyId(), model,
                    line.provider(), line.deployment(), reserved, line.cost(), line.cost().minus(reserved),
                    reservation.at(), now, reservation.tags()));
        }
        crossCharged(reservation.userId(), reservation.keyId(), CrossingCause.REQUEST, reservation.requestId(), now);
        closeMoveIfDrained(reservation.userId(), now);
        return new SpendOutcome.Settled(line.requestId(), line.cost());
    }

    private SpendOutcome release(ReleaseReservation line, Instant now) {
        Reservation reservation = open.get(line.requestId());
        if (reservation == null) {
            return notOpen(line.requestId());
        }
        Balances after = close(reservation, 0, now);
        apply(new ReservationReleased(reservation.requestId(), teamId, reservation.userId(), reservation.keyId(),
                Money.ofNanos(reservation.amount()), line.reason(), now, after.team(), after.user(), after.key()));
        closeMoveIfDrained(reservation.userId(), now);
        return new SpendOutcome.Released(line.requestId());
    }

    /** Charges every reservation past its deadline at its estimate; answers how many expired. */
    private int expireOverdue(Instant now) {
        if (earliestExpiry == null || now.isBefore(earliestExpiry)) {
            return 0;
        }
        List<Reservation> overdue = open.values().stream()
                .filter(r -> !now.isBefore(r.expiresAt()))
                .sorted(Comparator.comparing(Reservation::expiresAt))
                .toList();
        for (Reservation reservation : overdue) {
            Balances after = close(reservation, reservation.amount(), now);
            apply(new ReservationExpired(reservation.requestId(), teamId, reservation.userId(), reservation.keyId(),
                    Money.ofNanos(reservation.amount()), true, reservation.at(), reservation.expiresAt(), now,
                    after.team(), after.user(), after.key(), reservation.model(), reservation.tags()));
            crossCharged(reservation.userId(), reservation.keyId(), CrossingCause.REQUEST, reservation.requestId(),
                    now);
            closeMoveIfDrained(reservation.userId(), now);
        }
        return overdue.size();
    }

    // ================================================================== cost corrections

    /**
     * Records an approved recalculation's corrected costs. Each request's difference counts against the budgets
     * whose current period it belongs to; a closed period is history and stays as it was spent.
     */
    @CommandHandler
    public int handle(AdjustCosts command) {
        Limits.requireId(command.recalculationId(), "recalculation id");
        reason(command.reason());
        if (command.computedAt() == null) {
            throw CommandRefused.invalid("cost corrections need the instant their recalculation started");
        }
        RecordedChunks recordedSoFar = recordedRecalculations.get(command.recalculationId());
        int recorded = recordedSoFar == null ? 0 : recordedSoFar.chunks();
        if (command.chunk() < recorded) {
            return 0; // recorded already: a resumed approval sends it again
        }
        if (command.chunk() > recorded) {
            // chunks are recorded in order, so that one number says which were: a gap would be lost for good
            throw CommandRefused.conflict("chunk " + command.chunk() + " of recalculation '"
                    + command.recalculationId() + "' comes before chunk " + recorded + " was recorded");
        }
        refuseIfComputedBeforeAnotherCorrection(command);
        Instant now = now();
        for (CostAdjustment line : command.adjustments()) {
            long difference = line.difference().nanos();
            AccountBalance teamAfter = account.rolledTo(now, budget.period()).adjust(line.reservedAt(), difference)
                    .balance(budget);
            Member member = line.userId() == null ? null : members.get(line.userId());
            AccountBalance userAfter = null;
            if (member != null) {
                Budget userBudget = member.effectiveBudget(memberBudget);
                userAfter = member.account().rolledTo(now, userBudget.period())
                        .adjust(line.reservedAt(), difference).balance(userBudget);
            }
            KeyAccount key = line.keyId() == null ? null : keyAccounts.get(line.keyId());
            AccountBalance keyAfter = key == null ? null : key.account().rolledTo(now, key.budget().period())
                    .adjust(line.reservedAt(), difference).balance(key.budget());
            apply(new CostAdjusted(line.requestId(), teamId, line.userId(), line.keyId(), line.model(),
                    line.provider(), line.usage(), line.reservedAt(), line.tags(), line.chargedCost(),
                    line.newCost(), line.difference(), line.priceVersion(), command.recalculationId(),
                    command.chunk(), command.actor(), command.reason(), now, teamAfter, userAfter, keyAfter));
            if (difference > 0) {
                crossCharged(line.userId(), line.keyId(), CrossingCause.RECALCULATION, line.requestId(), now);
            }
        }
        return command.adjustments().size();
    }

    /**
     * A line's old cost is what its recalculation saw charged when it started. Once another recalculation corrected
     * this team's costs after that, its differences would count that correction a second time: refused. (The team
     * does not keep each request's cost, which would grow with its history; the instants of the last
     * {@link #RECALCULATIONS_REMEMBERED} recalculations recorded here are enough to tell.)
     */
    private void refuseIfComputedBeforeAnotherCorrection(AdjustCosts command) {
        for (Map.Entry<String, RecordedChunks> other : recordedRecalculations.entrySet()) {
            if (!other.getKey().equals(command.recalculationId())
                    && other.getValue().lastAt().isAfter(command.computedAt())) {
                throw CommandRefused.conflict(AdjustCosts.STALE_RECALCULATION, "recalculation '" + command.recalculationId()
                        + "' was computed at "
                        + command.computedAt() + ", before recalculation '" + other.getKey() + "' corrected costs of "
                        + "team '" + teamId + "' (at " + other.getValue().lastAt() + "): its lines compare with costs "
                        + "that are no longer charged, and recording them would count that correction twice. Start "
                        + "a new recalculation.");
            }
        }
    }

    private record Balances(AccountBalance team, AccountBalance user, AccountBalance key) {
    }

    /** The balances once {@code reservation} is closed with {@code cost}. */
    private Balances close(Reservation reservation, long cost, Instant now) {
        AccountBalance teamAfter = account.rolledTo(now, budget.period())
                .settle(reservation.at(), reservation.amount(), cost).balance(budget);
        Member member = reservation.userId() == null ? null : members.get(reservation.userId());
        AccountBalance userAfter = null;
        if (member != null) {
            Budget userBudget = member.effectiveBudget(memberBudget);
            userAfter = member.account().rolledTo(now, userBudget.period())
                    .settle(reservation.at(), reservation.amount(), cost).balance(userBudget);
        }
        KeyAccount key = reservation.keyId() == null ? null : keyAccounts.get(reservation.keyId());
        AccountBalance keyAfter = null;
        if (key != null) {
            keyAfter = key.account().rolledTo(now, key.budget().period())
                    .settle(reservation.at(), reservation.amount(), cost).balance(key.budget());
        }
        return new Balances(teamAfter, userAfter, keyAfter);
    }

    /** The sum of the open reservations that {@code charged} selects. */
    private long openReserved(java.util.function.Predicate<Reservation> charged) {
        return open.values().stream().filter(charged).mapToLong(Reservation::amount).sum();
    }

    private SpendOutcome notOpen(String requestId) {
        return new SpendOutcome.NotOpen(requestId, recentlyClosed.getOrDefault(requestId, "unknown"));
    }

    private void register(String userId, String externalId, String name, String email, Budget ownBudget,
                          Set<String> tags, boolean auto, String actor, Instant now) {
        Budget effective = ownBudget != null ? ownBudget : memberBudget;
        Account account = returning(userId, effective, now);
        apply(new UserRegistered(teamId, userId, externalId, name, email, ownBudget, tags, auto, actor, now,
                account.balance(effective)));
    }

    /**
     * The account a member opens with when they join under {@code effective}: the one they left here with, while the
     * period it belongs to lasts (moving out and back, or being removed and registered again, never resets a budget),
     * else a fresh one. A member readmitted while requests of theirs are in flight holds them as reserved: they
     * settle against it.
     */
    private Account returning(String userId, Budget effective, Instant now) {
        long inFlight = openReserved(r -> userId.equals(r.userId()));
        LeftAccount left = leftAccounts.get(userId);
        return left == null ? Account.fresh(now, effective.period()).reserve(inFlight)
                : left.reopened(effective.period(), now, inFlight);
    }

    private Member member(String userId) {
        Member member = members.get(userId);
        if (member == null) {
            throw CommandRefused.notFound("user '" + userId + "' is not a member of team '" + teamId + "'");
        }
        return member;
    }

    // ================================================================== state changes (no decisions below here)

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
        removedUserIds.remove(event.userId());
        leftAccounts.remove(event.userId());
        members.put(event.userId(), new Member(event.userId(), event.externalIdOrUserId(), event.budget(),
                event.tags(), Account.of(event.userBalance())));
        memberIdsByExternalId.put(event.externalIdOrUserId(), event.userId());
    }

    @EventSourcingHandler
    void on(UserRemoved event) {
        leaving.remove(event.userId());
        Member removed = members.remove(event.userId());
        if (removed != null) {
            memberIdsByExternalId.remove(removed.externalId(), event.userId());
            rememberLeft(event.userId(), new LeftAccount(removed.account(),
                    removed.effectiveBudget(memberBudget).period()));
        }
        removedUserIds.add(event.userId());
        memberKeys.remove(event.userId());
        forgetCrossings(key -> key.endsWith("|user:" + event.userId()));
        if (removedUserIds.size() > REMOVED_WINDOW) {
            Iterator<String> eldest = removedUserIds.iterator();
            eldest.next();
            eldest.remove();
        }
    }

    @EventSourcingHandler
    void on(UserMoveStarted event) {
        leaving.put(event.userId(), new MoveOut(event.moveId(), event.toTeamId(), false));
    }

    @EventSourcingHandler
    void on(UserMoveCancelled event) {
        leaving.remove(event.userId());
    }

    @EventSourcingHandler
    void on(UserMoveAwaitingReservations event) {
        leaving.computeIfPresent(event.userId(), (id, m) -> new MoveOut(m.moveId(), m.toTeamId(), true));
    }

    @EventSourcingHandler
    void on(UserMovedIn event) {
        removedUserIds.remove(event.userId());
        leftAccounts.remove(event.userId());
        members.put(event.userId(), new Member(event.userId(), event.externalIdOrUserId(), null, event.tags(),
                Account.of(event.userBalance())));
        memberIdsByExternalId.put(event.externalIdOrUserId(), event.userId());
        rememberMove(event.moveId());
    }

    @EventSourcingHandler
    void on(UserMovedOut event) {
        Member moved = members.remove(event.userId());
        if (moved != null) {
            memberIdsByExternalId.remove(moved.externalId(), event.userId());
            // the balance they left with, as the event carries it (rolled to the instant they left)
            rememberLeft(event.userId(), event.userBalance() != null
                    ? new LeftAccount(Account.of(event.userBalance()), event.userBalance().period())
                    : new LeftAccount(moved.account(), moved.effectiveBudget(memberBudget).period()));
        }
        leaving.remove(event.userId());
        memberKeys.remove(event.userId());
        rememberMove(event.moveId());
    }

    @EventSourcingHandler
    void on(MemberKeyIssued event) {
        LinkedHashMap<String, Instant> keys = memberKeys.computeIfAbsent(event.userId(), id -> new LinkedHashMap<>());
        keys.values().removeIf(expiresAt -> expiresAt != null && !expiresAt.isAfter(event.at()));
        keys.put(event.keyId(), event.expiresAt());
        if (keys.size() > KEYS_REMEMBERED_PER_MEMBER) {
            Iterator<String> eldest = keys.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private void rememberLeft(String userId, LeftAccount left) {
        leftAccounts.remove(userId);
        leftAccounts.put(userId, left);
        if (leftAccounts.size() > LEFT_ACCOUNTS_REMEMBERED) {
            Iterator<String> eldest = leftAccounts.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private void rememberMove(String moveId) {
        recentMoves.add(moveId);
        if (recentMoves.size() > MOVES_REMEMBERED) {
            Iterator<String> eldest = recentMoves.iterator();
            eldest.next();
            eldest.remove();
        }
    }

    @EventSourcingHandler
    void on(PersonalDataErased event) {
        Member member = members.get(event.userId());
        if (member != null && !member.externalId().equals(event.userId())) {
            memberIdsByExternalId.remove(member.externalId(), event.userId());
            memberIdsByExternalId.put(event.userId(), event.userId());
            members.put(event.userId(), member.withExternalId(event.userId()));
        }
    }

    @EventSourcingHandler
    void on(UserBudgetSet event) {
        members.computeIfPresent(event.userId(),
                (id, m) -> m.withOwnBudget(event.budget(), Account.of(event.userBalance())));
    }

    @EventSourcingHandler
    void on(UserTagsSet event) {
        members.computeIfPresent(event.userId(), (id, m) -> m.withTags(event.tags()));
    }

    @EventSourcingHandler
    void on(KeyBudgetSet event) {
        if (event.budget() == null) {
            keyAccounts.remove(event.keyId());
            forgetCrossings(key -> key.endsWith("|key:" + event.keyId()));
        } else {
            keyAccounts.put(event.keyId(), new KeyAccount(event.keyId(), event.budget(),
                    Account.of(event.keyBalance())));
        }
    }

    @EventSourcingHandler
    void on(BudgetToppedUp event) {
        recentTopUps.put(event.topUpId(), new RecordedTopUp(event.userId(), event.amount()));
        if (recentTopUps.size() > TOP_UPS_REMEMBERED) {
            Iterator<String> eldest = recentTopUps.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        if (event.userId() == null) {
            budget = event.budget();
            account = Account.of(event.balance());
        } else {
            members.computeIfPresent(event.userId(),
                    (id, m) -> m.withOwnBudget(event.budget(), Account.of(event.balance())));
        }
    }

    @EventSourcingHandler
    void on(BoostGranted event) {
        ActiveBoost boost = new ActiveBoost(event.boostId(), event.userId(), event.amount().nanos(), event.startsAt(),
                event.endsAt(), event.cohortId());
        boosts.put(boost.key(), boost);
    }

    @EventSourcingHandler
    void on(BoostRevoked event) {
        boosts.remove(ActiveBoost.key(event.boostId(), event.userId()));
        rememberEndedBoost(event.boostId());
    }

    @EventSourcingHandler
    void on(BoostExpired event) {
        boosts.remove(ActiveBoost.key(event.boostId(), event.userId()));
        rememberEndedBoost(event.boostId());
    }

    private void rememberEndedBoost(String boostId) {
        endedBoostIds.add(boostId);
        if (endedBoostIds.size() > ENDED_BOOSTS_REMEMBERED) {
            Iterator<String> eldest = endedBoostIds.iterator();
            eldest.next();
            eldest.remove();
        }
    }

    @EventSourcingHandler
    void on(SpendReserved event) {
        account = Account.of(event.teamBalance());
        updateMemberAccount(event.userId(), event.userBalance());
        updateKeyAccount(event.keyId(), event.keyBalance());
        Reservation replaced = open.put(event.requestId(), new Reservation(event.requestId(), event.userId(),
                event.keyId(), event.model(),
                event.amount().nanos(), event.grantedMaxTokens(), event.clamped(), event.at(), event.expiresAt(),
                event.tags()));
        if (openExpiries != null) {
            if (replaced != null) {
                forgetExpiry(replaced.expiresAt());
            }
            openExpiries.merge(event.expiresAt(), 1, Integer::sum);
        }
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
        closed(event.requestId(), "settled", event.teamBalance(), event.userId(), event.userBalance(), event.keyId(),
                event.keyBalance());
    }

    @EventSourcingHandler
    void on(ReservationReleased event) {
        closed(event.requestId(), "released", event.teamBalance(), event.userId(), event.userBalance(), event.keyId(),
                event.keyBalance());
    }

    @EventSourcingHandler
    void on(ReservationExpired event) {
        closed(event.requestId(), "expired", event.teamBalance(), event.userId(), event.userBalance(), event.keyId(),
                event.keyBalance());
    }

    @EventSourcingHandler
    void on(CostAdjusted event) {
        account = Account.of(event.teamBalance());
        updateMemberAccount(event.userId(), event.userBalance());
        updateKeyAccount(event.keyId(), event.keyBalance());
        recordedRecalculations.merge(event.recalculationId(), new RecordedChunks(event.chunk() + 1, event.at()),
                RecordedChunks::and);
        if (recordedRecalculations.size() > RECALCULATIONS_REMEMBERED) {
            Iterator<String> eldest = recordedRecalculations.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    @EventSourcingHandler
    void on(ThresholdSet event) {
        thresholds.put(event.thresholdId(), new BudgetThreshold(event.thresholdId(), event.scope(), event.subject(),
                event.kind(), event.percent()));
        forgetCrossings(key -> key.startsWith(event.thresholdId() + "|"));
    }

    @EventSourcingHandler
    void on(ThresholdRemoved event) {
        thresholds.remove(event.thresholdId());
        forgetCrossings(key -> key.startsWith(event.thresholdId() + "|"));
    }

    @EventSourcingHandler
    void on(BudgetThresholdCrossed event) {
        crossed.put(crossingKey(event.thresholdId(), event.account(), event.userId(), event.keyId()),
                event.periodStart());
    }

    private void forgetCrossings(java.util.function.Predicate<String> which) {
        if (!crossed.isEmpty()) {
            crossed.keySet().removeIf(which);
        }
    }

    private void closed(String requestId, String state, AccountBalance teamBalance, String userId,
                        AccountBalance userBalance, String keyId, AccountBalance keyBalance) {
        account = Account.of(teamBalance);
        updateMemberAccount(userId, userBalance);
        updateKeyAccount(keyId, keyBalance);
        Reservation removed = open.remove(requestId);
        if (removed != null && openExpiries != null) {
            forgetExpiry(removed.expiresAt());
        }
        if (removed != null && removed.expiresAt().equals(earliestExpiry)) {
            TreeMap<Instant, Integer> expiries = openExpiries();
            earliestExpiry = expiries.isEmpty() ? null : expiries.firstKey();
        }
        remember(requestId, state);
    }

    /** One open reservation expiring at {@code at} fewer in {@link #openExpiries} (built). */
    private void forgetExpiry(Instant at) {
        openExpiries.computeIfPresent(at, (instant, count) -> count == 1 ? null : count - 1);
    }

    /** The index of open reservations by expiry, built from {@link #open} when first needed after a load. */
    private TreeMap<Instant, Integer> openExpiries() {
        if (openExpiries == null) {
            TreeMap<Instant, Integer> expiries = new TreeMap<>();
            open.values().forEach(r -> expiries.merge(r.expiresAt(), 1, Integer::sum));
            openExpiries = expiries;
        }
        return openExpiries;
    }

    private void updateMemberAccount(String userId, AccountBalance balance) {
        if (userId != null && balance != null) {
            members.computeIfPresent(userId, (id, m) -> m.withAccount(Account.of(balance)));
        }
    }

    private void updateKeyAccount(String keyId, AccountBalance balance) {
        if (keyId != null && balance != null) {
            keyAccounts.computeIfPresent(keyId, (id, k) -> k.withAccount(Account.of(balance)));
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

    /** For tests: how many boosts are recorded and not ended. */
    int boostsRecorded() {
        return boosts.size();
    }

    /** For tests: how many top-ups are remembered. */
    int topUpsRemembered() {
        return recentTopUps.size();
    }

    /** For tests: how many ended boost ids are remembered. */
    int endedBoostsRemembered() {
        return endedBoostIds.size();
    }

    /** For tests: how many removed members are remembered. */
    int removalsRemembered() {
        return removedUserIds.size();
    }

    /** For tests: how many accounts of members who left are remembered. */
    int leftAccountsRemembered() {
        return leftAccounts.size();
    }

    /** For tests: how many crossings are remembered. */
    int crossingsRemembered() {
        return crossed.size();
    }

    /** For tests: of how many recalculations the recorded chunks are remembered. */
    int recalculationsRemembered() {
        return recordedRecalculations.size();
    }

    private static Instant now() {
        return GenericEventMessage.clock.instant();
    }

    private static Budget orUnlimited(Budget budget) {
        return budget == null ? Budget.UNLIMITED : budget;
    }

}
