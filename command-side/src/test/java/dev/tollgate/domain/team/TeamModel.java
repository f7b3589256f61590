package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.boost.BoostExpired;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.BoostRevoked;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.CostAdjusted;
import dev.tollgate.api.spend.CostAdjustment;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReservationExpired;
import dev.tollgate.api.spend.ReservationReleased;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.SpendOverran;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.RemoveUser;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An independent model of one team's ledger, written from docs/ledger.md rather than from the aggregate: its own
 * calendar, its own accounts and request book. For every command the simulation sends, it says which events the
 * Team must record (their content and the balances they carry, to the nano-unit) and which outcome it must answer,
 * and it checks the events the Team did record against that, one by one. A reservation is checked as a decision: it
 * fits every budget it is charged to, it is the worst case when that fits, it is the largest clamp that fits when
 * the policy clamps, and a rejection names a budget that was indeed short.
 */
final class TeamModel {

    static final int CLOSED_WINDOW = 10_000;
    static final int REMOVED_WINDOW = 10_000;
    static final int LEFT_ACCOUNTS_REMEMBERED = 10_000;
    static final int RECALCULATIONS_REMEMBERED = 100;
    static final int BOOSTS_PER_ACCOUNT = 100;
    static final int ENDED_BOOSTS_REMEMBERED = 10_000;

    /** One budget account: what was spent (and overran, and was corrected) in its period, what is reserved now. */
    static final class Acct {
        Instant periodStart;
        long spent;
        long reserved;
        long overrun;
        /** Corrections that raised {@code spent} this period: not decided by the ledger, so outside the invariant. */
        long adjustedUp;

        Acct(Instant periodStart) {
            this.periodStart = periodStart;
        }

        Acct copy() {
            Acct copy = new Acct(periodStart);
            copy.spent = spent;
            copy.reserved = reserved;
            copy.overrun = overrun;
            copy.adjustedUp = adjustedUp;
            return copy;
        }

        Acct rolledTo(Instant now, BudgetPeriod period) {
            Acct copy = copy();
            Instant start = startOf(period, now);
            if (start.isAfter(periodStart)) {
                copy.periodStart = start;
                copy.spent = 0;
                copy.overrun = 0;
                copy.adjustedUp = 0;
            }
            return copy;
        }

        /** A change of period carries what was spent in the current period; the same period rolls as time does. */
        Acct rebased(BudgetPeriod from, BudgetPeriod to, Instant now) {
            Acct current = rolledTo(now, from);
            if (from != to) {
                current.periodStart = startOf(to, now);
            }
            return current;
        }

        long available(Budget budget, long boosts) {
            return budget.limit() == null ? Long.MAX_VALUE
                    : budget.limit().nanos() + boosts - spent - reserved;
        }

        /**
         * What the ledger decided: spent and reserved, less what it did not decide (overrun, and corrections that
         * raised a cost). A reservation is made only when spent + reserved stays within the limit, so this does.
         */
        long decided() {
            return spent + reserved - overrun - adjustedUp;
        }

        AccountBalance balance(Budget budget) {
            return new AccountBalance(budget.limit(), budget.period(), periodStart, endOf(budget.period(), periodStart),
                    Money.ofNanos(spent), Money.ofNanos(reserved), Money.ofNanos(overrun));
        }
    }

    static final class MemberM {
        final String userId;
        final String externalId;
        Budget ownBudget;
        Acct acct;

        MemberM(String userId, String externalId, Budget ownBudget, Acct acct) {
            this.userId = userId;
            this.externalId = externalId;
            this.ownBudget = ownBudget;
            this.acct = acct;
        }
    }

    static final class KeyM {
        Budget budget;
        Acct acct;

        KeyM(Budget budget, Acct acct) {
            this.budget = budget;
            this.acct = acct;
        }
    }

    record BoostM(String boostId, String userId, long amount, Instant startsAt, Instant endsAt) {
        String key() {
            return boostId + "/" + (userId == null ? "" : userId);
        }
    }

    /** A request as the model's book knows it. */
    static final class Req {
        final String id;
        final String userId;
        final String keyId;
        final String model;
        final long amount;
        final Instant reservedAt;
        final Instant expiresAt;
        final Map<String, String> tags;
        String state = "reserved";
        long cost;
        String settledModel;
        String provider;
        int ends;

        Req(String id, String userId, String keyId, String model, long amount, Instant reservedAt, Instant expiresAt,
            Map<String, String> tags) {
            this.id = id;
            this.userId = userId;
            this.keyId = keyId;
            this.model = model;
            this.amount = amount;
            this.reservedAt = reservedAt;
            this.expiresAt = expiresAt;
            this.tags = tags;
        }
    }

    final String teamId;
    final int maxMembers;
    Budget teamBudget;
    Budget memberBudget;
    OverBudgetPolicy policy;
    Acct team;
    final Map<String, MemberM> members = new LinkedHashMap<>();
    final Map<String, String> byExternal = new HashMap<>();
    final LinkedHashSet<String> removed = new LinkedHashSet<>();
    /** The account each of the last members removed left with, and the period it was kept under. */
    final LinkedHashMap<String, Map.Entry<Acct, BudgetPeriod>> left = new LinkedHashMap<>();
    final Map<String, KeyM> keys = new LinkedHashMap<>();
    final LinkedHashMap<String, BoostM> boosts = new LinkedHashMap<>();
    /** The ids of the last {@link #ENDED_BOOSTS_REMEMBERED} boosts ended (revoked or expired): never granted again. */
    final LinkedHashSet<String> endedBoostIds = new LinkedHashSet<>();
    final Map<String, Req> requests = new LinkedHashMap<>();
    /** The requests reserved and not ended, in the order they were reserved. */
    final Map<String, Req> open = new LinkedHashMap<>();
    final LinkedHashMap<String, String> closed = new LinkedHashMap<>();
    final LinkedHashMap<String, Integer> chunks = new LinkedHashMap<>();

    /** For the simulation's account of what happened. */
    int expired;
    int boostsEnded;
    int inFlightOnNewAccount;

    TeamModel(String teamId, int maxMembers) {
        this.teamId = teamId;
        this.maxMembers = maxMembers;
    }

    // ================================================================== calendar (UTC, weeks from Monday)

    static Instant startOf(BudgetPeriod period, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return switch (period) {
            case DAILY -> day.atStartOfDay(ZoneOffset.UTC).toInstant();
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
            case MONTHLY -> day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case NONE -> Instant.EPOCH;
        };
    }

    static Instant endOf(BudgetPeriod period, Instant start) {
        LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
        return switch (period) {
            case DAILY -> day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case WEEKLY -> day.plusWeeks(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case MONTHLY -> day.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case NONE -> null;
        };
    }

    // ================================================================== what the model says, and the checks

    /** The events of one command, consumed in order as the model expects them. */
    static final class Events {
        private final Deque<Object> queue;

        Events(List<Object> events) {
            this.queue = new ArrayDeque<>(events);
        }

        <T> T next(Class<T> type, String why) {
            Object event = queue.poll();
            check(type.isInstance(event), why + ": expected " + type.getSimpleName() + ", the Team recorded "
                    + (event == null ? "nothing" : event));
            return type.cast(event);
        }

        boolean nextIs(Class<?> type) {
            return type.isInstance(queue.peek());
        }

        void expect(Object expected, String why) {
            Object actual = queue.poll();
            check(expected.equals(actual), why + ":\n  expected " + expected + "\n  recorded " + actual);
        }

        void done(Object why) {
            check(queue.isEmpty(), () -> why + ": the Team recorded more than expected: " + queue);
        }
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    static void check(boolean condition, Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }

    Budget effective(MemberM member) {
        return member.ownBudget != null ? member.ownBudget : memberBudget;
    }

    long boostsOn(String userId, Instant at) {
        long total = 0;
        for (BoostM boost : boosts.values()) {
            if (Objects.equals(boost.userId(), userId) && !at.isBefore(boost.startsAt()) && at.isBefore(boost.endsAt())) {
                total += boost.amount();
            }
        }
        return total;
    }

    long openReservedBy(java.util.function.Predicate<Req> charged) {
        return open.values().stream().filter(charged)
                .mapToLong(r -> r.amount).sum();
    }

    // ------------------------------------------------------------------ administration

    void created(CreateTeam command, Instant now, Events events) {
        teamBudget = command.budget() == null ? Budget.UNLIMITED : command.budget();
        memberBudget = command.memberBudget() == null ? Budget.UNLIMITED : command.memberBudget();
        policy = command.policy() == null ? OverBudgetPolicy.CLAMP : command.policy();
        team = new Acct(startOf(teamBudget.period(), now));
        events.expect(new TeamCreated(teamId, command.name(), teamBudget, memberBudget, policy, command.actor(),
                command.reason(), now, team.balance(teamBudget)), "a team is created");
    }

    /** Which refusal the Team must answer to a registration; {@code null}: none. */
    CommandRefused.Reason refusalOf(RegisterUser command) {
        String external = command.externalId() == null || command.externalId().isBlank() ? command.userId()
                : command.externalId();
        if (members.containsKey(command.userId()) || byExternal.containsKey(external)) {
            return CommandRefused.Reason.CONFLICT;
        }
        return members.size() >= maxMembers ? CommandRefused.Reason.LIMIT_REACHED : null;
    }

    void registered(RegisterUser command, Instant now, Events events) {
        String external = command.externalId() == null || command.externalId().isBlank() ? command.userId()
                : command.externalId();
        register(command.userId(), external, command.name(), command.budget(), command.tags(), false,
                command.actor(), now, events);
    }

    private void register(String userId, String external, String name, Budget own, Set<String> tags, boolean auto,
                          String actor, Instant now, Events events) {
        Budget budget = own != null ? own : memberBudget;
        // one who comes back gets the account they left with while its period lasts (rebased, as a change of period)
        Map.Entry<Acct, BudgetPeriod> leftWith = left.remove(userId);
        Acct acct = leftWith == null ? new Acct(startOf(budget.period(), now))
                : leftWith.getKey().rebased(leftWith.getValue(), budget.period(), now);
        // a member's requests still in flight (from before a removal) stay reserved on their account
        acct.reserved = openReservedBy(r -> userId.equals(r.userId));
        inFlightOnNewAccount += acct.reserved > 0 ? 1 : 0;
        events.expect(new UserRegistered(teamId, userId, external, name, own, tags, auto, actor, now,
                acct.balance(budget)), "user " + userId + " registers");
        members.put(userId, new MemberM(userId, external, own, acct));
        byExternal.put(external, userId);
        removed.remove(userId);
    }

    void removedUser(RemoveUser command, Instant now, Events events) {
        MemberM member = members.get(command.userId());
        if (member == null) {
            return; // removed already: nothing recorded
        }
        events.expect(new UserRemoved(teamId, member.userId, member.externalId, command.actor(), command.reason(),
                now), "user " + member.userId + " is removed");
        members.remove(member.userId);
        byExternal.remove(member.externalId);
        left.remove(member.userId);
        left.put(member.userId, Map.entry(member.acct.copy(), effective(member).period()));
        if (left.size() > LEFT_ACCOUNTS_REMEMBERED) {
            Iterator<String> eldest = left.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        removed.add(member.userId);
        if (removed.size() > REMOVED_WINDOW) {
            Iterator<String> eldest = removed.iterator();
            eldest.next();
            eldest.remove();
        }
    }

    void userBudgetSet(SetUserBudget command, Instant now, Events events) {
        MemberM member = members.get(command.userId());
        Budget before = effective(member);
        Budget after = command.budget() != null ? command.budget() : memberBudget;
        Acct acct = member.acct.rebased(before.period(), after.period(), now);
        events.expect(new UserBudgetSet(teamId, member.userId, command.budget(), member.ownBudget, command.actor(),
                command.reason(), now, acct.balance(after)), "user " + member.userId + "'s budget is set");
        member.ownBudget = command.budget();
        member.acct = acct;
    }

    void teamBudgetSet(SetTeamBudget command, Instant now, Events events) {
        Budget budget = command.budget() == null ? Budget.UNLIMITED : command.budget();
        Budget members = command.memberBudget() == null ? memberBudget : command.memberBudget();
        OverBudgetPolicy newPolicy = command.policy() == null ? policy : command.policy();
        Acct acct = team.rebased(teamBudget.period(), budget.period(), now);
        events.expect(new TeamBudgetSet(teamId, budget, members, newPolicy, teamBudget, command.actor(),
                command.reason(), now, acct.balance(budget)), "the team's budget is set");
        Budget previousMembers = memberBudget;
        teamBudget = budget;
        memberBudget = members;
        policy = newPolicy;
        team = acct;
        if (previousMembers.period() != members.period()) {
            for (MemberM member : this.members.values()) {
                if (member.ownBudget == null) {
                    member.acct = member.acct.rebased(previousMembers.period(), members.period(), now);
                }
            }
        }
    }

    /** {@code true} when the Team must refuse the key budget (it has its most keys with a budget). */
    boolean refusesKeyBudget(SetKeyBudget command) {
        return command.budget() != null && !keys.containsKey(command.keyId()) && keys.size() >= maxMembers;
    }

    void keyBudgetSet(SetKeyBudget command, Instant now, Events events) {
        KeyM existing = keys.get(command.keyId());
        Budget previous = existing == null ? null : existing.budget;
        if (command.budget() == null) {
            if (existing != null) {
                events.expect(new KeyBudgetSet(teamId, command.keyId(), null, previous, command.actor(),
                        command.reason(), now, null), "key " + command.keyId() + " loses its budget");
                keys.remove(command.keyId());
            }
            return;
        }
        Acct acct;
        if (existing == null) {
            acct = new Acct(startOf(command.budget().period(), now));
            // the key's requests in flight are reserved on its new budget: they will be settled against it
            acct.reserved = openReservedBy(r -> command.keyId().equals(r.keyId));
            inFlightOnNewAccount += acct.reserved > 0 ? 1 : 0;
        } else {
            acct = existing.acct.rebased(existing.budget.period(), command.budget().period(), now);
        }
        events.expect(new KeyBudgetSet(teamId, command.keyId(), command.budget(), previous, command.actor(),
                command.reason(), now, acct.balance(command.budget())), "key " + command.keyId() + "'s budget is set");
        keys.put(command.keyId(), new KeyM(command.budget(), acct));
    }

    // ------------------------------------------------------------------ boosts

    /**
     * Why the Team must refuse the grant (of a member's or the team's boost, never a cohort's share), or {@code null}:
     * a conflict when its id has ended (revoked, or past its end, recorded or not), is granted on this account with
     * another amount or end, or on another account; the limit when the account has its most boosts not ended. A grant
     * of the same amount and end again is a repeat.
     */
    CommandRefused.Reason refusesBoost(GrantBoost command, Instant now) {
        if (endedBoostIds.contains(command.boostId()) || boosts.values().stream()
                .anyMatch(b -> b.boostId().equals(command.boostId()) && !now.isBefore(b.endsAt()))) {
            return CommandRefused.Reason.CONFLICT; // ended, its end recorded or not yet
        }
        BoostM granted = boosts.get(new BoostM(command.boostId(), command.userId(), 0, now, now).key());
        if (granted != null) {
            return granted.amount() == command.amount().nanos() && granted.endsAt().equals(command.endsAt())
                    ? null : CommandRefused.Reason.CONFLICT;
        }
        if (boosts.values().stream().anyMatch(b -> b.boostId().equals(command.boostId()))) {
            return CommandRefused.Reason.CONFLICT;
        }
        long running = boosts.values().stream().filter(b -> Objects.equals(b.userId(), command.userId()))
                .filter(b -> now.isBefore(b.endsAt())).count();
        return running >= BOOSTS_PER_ACCOUNT ? CommandRefused.Reason.LIMIT_REACHED : null;
    }

    private void ended(BoostM boost) {
        boosts.remove(boost.key());
        boostsEnded++;
        endedBoostIds.add(boost.boostId());
        if (endedBoostIds.size() > ENDED_BOOSTS_REMEMBERED) {
            Iterator<String> eldest = endedBoostIds.iterator();
            eldest.next();
            eldest.remove();
        }
    }

    void boostGranted(GrantBoost command, Instant now, Events events) {
        BoostM boost = new BoostM(command.boostId(), command.userId(), command.amount().nanos(), command.startsAt(),
                command.endsAt());
        if (boosts.containsKey(boost.key())) {
            return; // granted already
        }
        List<BoostM> ended = boosts.values().stream().filter(b -> Objects.equals(b.userId(), command.userId()))
                .filter(b -> !now.isBefore(b.endsAt())).sorted(Comparator.comparing(BoostM::endsAt)).toList();
        for (BoostM end : ended) {
            events.expect(new BoostExpired(teamId, end.boostId(), end.userId(), end.endsAt(), now),
                    "a grant first records the end of the account's ended boosts");
            ended(end);
        }
        events.expect(new BoostGranted(teamId, command.boostId(), command.userId(), command.amount(),
                command.startsAt(), command.endsAt(), command.reason(), command.cohortId(), command.actor(), now),
                "boost " + boost.key() + " is granted");
        boosts.put(boost.key(), boost);
    }

    void boostRevoked(RevokeBoost command, Instant now, Events events) {
        for (BoostM boost : List.copyOf(boosts.values())) {
            if (!boost.boostId().equals(command.boostId())) {
                continue;
            }
            events.expect(now.isBefore(boost.endsAt())
                    ? new BoostRevoked(teamId, boost.boostId(), boost.userId(), command.actor(), command.reason(), now)
                    : new BoostExpired(teamId, boost.boostId(), boost.userId(), boost.endsAt(), now),
                    "boost " + boost.key() + " is revoked");
            ended(boost);
        }
    }

    void boostsExpired(Instant now, Events events) {
        for (BoostM boost : boosts.values().stream().filter(b -> !now.isBefore(b.endsAt()))
                .sorted(Comparator.comparing(BoostM::endsAt)).toList()) {
            events.expect(new BoostExpired(teamId, boost.boostId(), boost.userId(), boost.endsAt(), now),
                    "boost " + boost.key() + " ended");
            ended(boost);
        }
    }

    // ------------------------------------------------------------------ spend

    /** Reservations past their deadline are charged at their estimate, each exactly once, before anything else. */
    void expiries(Instant now, Events events) {
        Set<String> overdue = new LinkedHashSet<>();
        open.values().stream().filter(r -> !now.isBefore(r.expiresAt))
                .forEach(r -> overdue.add(r.id));
        while (events.nextIs(ReservationExpired.class)) {
            ReservationExpired event = events.next(ReservationExpired.class, "an expiry");
            check(overdue.remove(event.requestId()), () -> "expired but not overdue (or twice): " + event);
            Req req = requests.get(event.requestId());
            Closing closing = close(req, req.amount, now);
            check(event.equals(new ReservationExpired(req.id, teamId, req.userId, req.keyId, Money.ofNanos(req.amount),
                    true, req.reservedAt, req.expiresAt, now, closing.team, closing.user, closing.key, req.model,
                    req.tags)), () -> "expiry of " + req.id + ":\n  recorded " + event + "\n  model's balances "
                    + closing.team + " / " + closing.user + " / " + closing.key);
            end(req, "expired");
            expired++;
        }
        check(overdue.isEmpty(), () -> "overdue reservations not expired: " + overdue);
    }

    private record Closing(AccountBalance team, AccountBalance user, AccountBalance key) {
    }

    /** Closes {@code req} with {@code cost}: charged to the period it was reserved in, the excess as overrun. */
    private Closing close(Req req, long cost, Instant now) {
        team = closed(team.rolledTo(now, teamBudget.period()), req, cost);
        AccountBalance teamAfter = team.balance(teamBudget);
        AccountBalance userAfter = null;
        MemberM member = req.userId == null ? null : members.get(req.userId);
        if (member != null) {
            member.acct = closed(member.acct.rolledTo(now, effective(member).period()), req, cost);
            userAfter = member.acct.balance(effective(member));
        }
        AccountBalance keyAfter = null;
        KeyM key = req.keyId == null ? null : keys.get(req.keyId);
        if (key != null) {
            key.acct = closed(key.acct.rolledTo(now, key.budget.period()), req, cost);
            keyAfter = key.acct.balance(key.budget);
        }
        return new Closing(teamAfter, userAfter, keyAfter);
    }

    private static Acct closed(Acct acct, Req req, long cost) {
        Acct after = acct.copy();
        after.reserved -= req.amount;
        if (!req.reservedAt.isBefore(acct.periodStart)) {
            after.spent += cost;
            after.overrun += Math.max(0, cost - req.amount);
        }
        return after;
    }

    private void end(Req req, String state) {
        req.ends++;
        check(req.ends == 1, () -> "request " + req.id + " ended twice (now " + state + ")");
        req.state = state;
        open.remove(req.id);
        closed.put(req.id, state);
        if (closed.size() > CLOSED_WINDOW) {
            Iterator<String> eldest = closed.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private SpendOutcome notOpen(String requestId) {
        return new SpendOutcome.NotOpen(requestId, closed.getOrDefault(requestId, "unknown"));
    }

    /** One budget a request is charged to, as it stands at the decision. */
    private record Charge(String kind, String accountId, Budget budget, Acct acct, long available) {
    }

    SpendOutcome reserve(ReserveSpend line, Instant now, Events events) {
        Req existing = requests.get(line.requestId());
        if (existing != null && existing.state.equals("reserved")) {
            return new SpendOutcome.Reserved(existing.id, existing.userId, Money.ofNanos(existing.amount),
                    grantedOf.get(existing.id), clampedOf.get(existing.id));
        }
        if (closed.containsKey(line.requestId())) {
            return notOpen(line.requestId());
        }
        String why = "request " + line.requestId();
        if (line.userId() != null && !members.containsKey(line.userId())) {
            return rejected(line, null, Team.MEMBERSHIP, line.userId(), line.worstCase().nanos(), 0, null,
                    "user '" + line.userId() + "' is not a member of team '" + teamId + "'", now, events);
        }
        String external = line.externalUserId();
        if (line.userId() == null && external != null && !external.isBlank() && !byExternal.containsKey(external)) {
            String userId = teamId + ":" + external;
            if (removed.contains(userId)) {
                return rejected(line, null, Team.MEMBERSHIP, userId, line.worstCase().nanos(), 0, null,
                        "user '" + external + "' was removed from team '" + teamId + "'", now, events);
            }
            if (members.size() >= maxMembers) {
                return rejected(line, null, Team.MEMBER_LIMIT, teamId, line.worstCase().nanos(), 0, null,
                        "team '" + teamId + "' has " + members.size() + " members, its most (" + maxMembers
                                + "): remove members or raise the limit", now, events);
            }
            register(userId, external, external, null, Set.of(), true, Team.GATEWAY_ACTOR, now, events);
        }
        MemberM member = line.userId() != null ? members.get(line.userId())
                : external == null || external.isBlank() ? null : members.get(byExternal.get(external));

        List<Charge> charges = new ArrayList<>(3);
        Acct teamAcct = team.rolledTo(now, teamBudget.period());
        charges.add(new Charge("team", teamId, teamBudget, teamAcct,
                teamAcct.available(teamBudget, boostsOn(null, now))));
        if (member != null) {
            Budget budget = effective(member);
            Acct acct = member.acct.rolledTo(now, budget.period());
            charges.add(new Charge("user", member.userId, budget, acct,
                    acct.available(budget, boostsOn(member.userId, now))));
        }
        KeyM key = line.keyId() == null ? null : keys.get(line.keyId());
        if (key != null) {
            Acct acct = key.acct.rolledTo(now, key.budget.period());
            charges.add(new Charge("key", line.keyId(), key.budget, acct, acct.available(key.budget, 0)));
        }
        long available = charges.stream().mapToLong(Charge::available).min().orElseThrow();
        long worst = line.worstCase().nanos();
        long granted = line.maxOutputTokens();
        long amount = worst;
        if (worst > available) {
            long minTokens = Math.min(line.minOutputTokens(), line.maxOutputTokens());
            long minimum = line.promptCost().nanos() + line.outputPrice().costOf(minTokens).nanos();
            long needed = policy == OverBudgetPolicy.CLAMP ? minimum : worst;
            if (policy != OverBudgetPolicy.CLAMP || minimum > available) {
                Charge limiting = charges.stream().filter(c -> c.available() < needed)
                        .min(Comparator.comparingLong(Charge::available).thenComparing(c -> switch (c.kind()) {
                            case "user" -> 0;
                            case "key" -> 1;
                            default -> 2;
                        })).orElseThrow();
                return rejected(line, member, limiting.kind(), limiting.accountId(), needed, limiting.available(),
                        endOf(limiting.budget().period(), limiting.acct().periodStart), "budget_exhausted", now,
                        events);
            }
            granted = largestAffordable(line, available);
            amount = line.promptCost().nanos() + line.outputPrice().costOf(granted).nanos();
        }
        check(amount <= available, why + ": reserves " + amount + " where " + available + " is left");
        for (Charge charge : charges) {
            charge.acct().reserved += amount;
        }
        Instant expiresAt = now.plus(line.ttl());
        Acct userAcct = member == null ? null : charges.get(1).acct();
        Acct keyAcct = key == null ? null : charges.get(charges.size() - 1).acct();
        events.expect(new SpendReserved(line.requestId(), teamId, member == null ? null : member.userId,
                line.keyId(), line.model(), Money.ofNanos(amount), line.maxOutputTokens(), granted,
                granted < line.maxOutputTokens(), now, expiresAt, line.tags(), teamAcct.balance(teamBudget),
                member == null ? null : userAcct.balance(effective(member)),
                key == null ? null : keyAcct.balance(key.budget)), why + " is reserved");
        team = teamAcct;
        if (member != null) {
            member.acct = userAcct;
        }
        if (key != null) {
            key.acct = keyAcct;
        }
        Req req = new Req(line.requestId(), member == null ? null : member.userId, line.keyId(), line.model(), amount,
                now, expiresAt, line.tags());
        requests.put(req.id, req);
        open.put(req.id, req);
        grantedOf.put(req.id, granted);
        clampedOf.put(req.id, granted < line.maxOutputTokens());
        return new SpendOutcome.Reserved(req.id, req.userId, Money.ofNanos(amount), granted,
                granted < line.maxOutputTokens());
    }

    private final Map<String, Long> grantedOf = new HashMap<>();
    private final Map<String, Boolean> clampedOf = new HashMap<>();

    /** The most output tokens whose cost, with the prompt's, fits in {@code available}: by bisection. */
    private static long largestAffordable(ReserveSpend line, long available) {
        long low = 0;
        long high = line.maxOutputTokens();
        while (low < high) {
            long mid = low + (high - low + 1) / 2;
            if (line.promptCost().nanos() + line.outputPrice().costOf(mid).nanos() <= available) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private SpendOutcome rejected(ReserveSpend line, MemberM member, String limiting, String accountId, long needed,
                                  long available, Instant resetsAt, String reason, Instant now, Events events) {
        events.expect(new SpendRejected(line.requestId(), teamId, member == null ? line.userId() : member.userId,
                line.keyId(), line.model(), limiting, Money.ofNanos(needed), Money.ofNanos(available), resetsAt, now,
                line.tags()), "request " + line.requestId() + " is rejected (" + limiting + ")");
        Req req = new Req(line.requestId(), member == null ? line.userId() : member.userId, line.keyId(),
                line.model(), 0, now, now, line.tags());
        requests.put(req.id, req);
        end(req, "rejected");
        return new SpendOutcome.Rejected(line.requestId(), limiting, accountId, Money.ofNanos(needed),
                Money.ofNanos(available), resetsAt, reason);
    }

    SpendOutcome settle(SettleSpend line, Instant now, Events events) {
        Req req = requests.get(line.requestId());
        if (req == null || !req.state.equals("reserved")) {
            return notOpen(line.requestId());
        }
        Closing closing = close(req, line.cost().nanos(), now);
        String model = line.model() == null ? req.model : line.model();
        events.expect(new SpendSettled(req.id, teamId, req.userId, req.keyId, model, line.provider(),
                line.deployment(), line.usage(), Money.ofNanos(req.amount), line.cost(), line.priceVersion(),
                line.latencyMillis(), req.reservedAt, now, closing.team, closing.user, closing.key, req.tags,
                line.attempts()), "request " + req.id + " settles at " + line.cost());
        if (line.cost().nanos() > req.amount) {
            events.expect(new SpendOverran(req.id, teamId, req.userId, req.keyId, model, line.provider(),
                    line.deployment(), Money.ofNanos(req.amount), line.cost(),
                    Money.ofNanos(line.cost().nanos() - req.amount), req.reservedAt, now, req.tags),
                    "request " + req.id + " overran its reservation");
        }
        req.cost = line.cost().nanos();
        req.settledModel = model;
        req.provider = line.provider();
        end(req, "settled");
        return new SpendOutcome.Settled(req.id, line.cost());
    }

    SpendOutcome release(ReleaseReservation line, Instant now, Events events) {
        Req req = requests.get(line.requestId());
        if (req == null || !req.state.equals("reserved")) {
            return notOpen(line.requestId());
        }
        Closing closing = close(req, 0, now);
        events.expect(new ReservationReleased(req.id, teamId, req.userId, req.keyId, Money.ofNanos(req.amount),
                line.reason(), now, closing.team, closing.user, closing.key), "request " + req.id + " is released");
        end(req, "released");
        return new SpendOutcome.Released(req.id);
    }

    // ------------------------------------------------------------------ corrections

    /** {@code true} when the chunk comes before the one before it was recorded (the Team refuses it). */
    boolean refusesChunk(AdjustCosts command) {
        return command.chunk() > chunks.getOrDefault(command.recalculationId(), 0);
    }

    int adjusted(AdjustCosts command, Instant now, Events events) {
        if (command.chunk() < chunks.getOrDefault(command.recalculationId(), 0)) {
            return 0;
        }
        for (CostAdjustment line : command.adjustments()) {
            long difference = line.difference().nanos();
            team = adjustedAcct(team.rolledTo(now, teamBudget.period()), line.reservedAt(), difference);
            MemberM member = line.userId() == null ? null : members.get(line.userId());
            AccountBalance userAfter = null;
            if (member != null) {
                member.acct = adjustedAcct(member.acct.rolledTo(now, effective(member).period()), line.reservedAt(),
                        difference);
                userAfter = member.acct.balance(effective(member));
            }
            KeyM key = line.keyId() == null ? null : keys.get(line.keyId());
            AccountBalance keyAfter = null;
            if (key != null) {
                key.acct = adjustedAcct(key.acct.rolledTo(now, key.budget.period()), line.reservedAt(), difference);
                keyAfter = key.acct.balance(key.budget);
            }
            events.expect(new CostAdjusted(line.requestId(), teamId, line.userId(), line.keyId(), line.model(),
                    line.provider(), line.usage(), line.reservedAt(), line.tags(), line.chargedCost(),
                    line.newCost(), line.difference(), line.priceVersion(), command.recalculationId(),
                    command.chunk(), command.actor(), command.reason(), now, team.balance(teamBudget), userAfter,
                    keyAfter), "request " + line.requestId() + "'s cost is corrected");
            Req req = requests.get(line.requestId());
            if (req != null) {
                req.cost = line.newCost().nanos();
            }
            chunks.merge(command.recalculationId(), command.chunk() + 1, Math::max);
            if (chunks.size() > RECALCULATIONS_REMEMBERED) {
                Iterator<String> eldest = chunks.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        return command.adjustments().size();
    }

    private static Acct adjustedAcct(Acct acct, Instant reservedAt, long difference) {
        if (reservedAt.isBefore(acct.periodStart)) {
            return acct;
        }
        Acct after = acct.copy();
        after.spent += difference;
        after.adjustedUp += Math.max(0, difference);
        return after;
    }

    // ================================================================== invariants

    /** Every account the team holds now, with the budget and boosts it is held to, as {@code kind:id}. */
    Map<String, Object[]> accounts(Instant now) {
        Map<String, Object[]> accounts = new LinkedHashMap<>();
        accounts.put("team", new Object[]{team.rolledTo(now, teamBudget.period()), teamBudget, boostsOn(null, now)});
        for (MemberM member : members.values()) {
            Budget budget = effective(member);
            accounts.put("user:" + member.userId, new Object[]{member.acct.rolledTo(now, budget.period()), budget,
                    boostsOn(member.userId, now)});
        }
        keys.forEach((keyId, key) -> accounts.put("key:" + keyId,
                new Object[]{key.acct.rolledTo(now, key.budget.period()), key.budget, 0L}));
        return accounts;
    }

    /** What each account's ledger decided (spent and reserved, less overrun and corrections), at {@code now}. */
    Map<String, Long> decided(Instant now) {
        Map<String, Long> decided = new HashMap<>();
        accounts(now).forEach((id, account) -> decided.put(id, ((Acct) account[0]).decided()));
        return decided;
    }

    /**
     * After every step: each account's reserved amount is the sum of its open reservations (by the model's request
     * book), and what the ledger decided (settled + open reservations, less recorded overrun and corrections) is
     * within the effective limit (limit + active boosts), unless the step did not add to it (a limit lowered by a
     * budget change or a boost that ended leaves spend above it, and then nothing more is reserved; time passing
     * decides nothing).
     */
    void checkInvariants(Instant now, Map<String, Long> decidedBefore, boolean timeAdvanced) {
        check(team.reserved == openReservedBy(r -> true),
                () -> "team reserved " + team.reserved + " but its open reservations sum to "
                        + openReservedBy(r -> true));
        for (MemberM member : members.values()) {
            long open = openReservedBy(r -> member.userId.equals(r.userId));
            check(member.acct.reserved == open,
                    () -> "user " + member.userId + " reserved " + member.acct.reserved + " but open: " + open);
        }
        keys.forEach((keyId, key) -> {
            long open = openReservedBy(r -> keyId.equals(r.keyId));
            check(key.acct.reserved == open, () -> "key " + keyId + " reserved " + key.acct.reserved
                    + " but open: " + open);
        });
        accounts(now).forEach((id, account) -> {
            Acct acct = (Acct) account[0];
            Budget budget = (Budget) account[1];
            if (budget.limit() == null) {
                return;
            }
            long limit = budget.limit().nanos() + (long) account[2];
            long decided = acct.decided();
            Long before = decidedBefore.get(id);
            check(decided <= limit || before == null || timeAdvanced || decided <= before,
                    () -> id + ": settled + reserved - overrun - corrections = " + decided
                            + " exceeds the effective limit " + limit + " and grew in this step (from " + before + ")");
        });
    }

    /** At the end of a run: every request that reached a decision ended exactly once. */
    void checkEveryRequestEnded() {
        for (Req req : requests.values()) {
            check(req.ends == 1, () -> "request " + req.id + " ended " + req.ends + " times (" + req.state + ")");
        }
    }
}
