package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.boost.ExpireBoosts;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.AdjustCosts;
import dev.tollgate.api.spend.CostAdjustment;
import dev.tollgate.api.spend.ExpireReservations;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendLine;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.RemoveUser;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.api.team.SetTeamBudget;
import dev.tollgate.api.team.SetUserBudget;
import dev.tollgate.api.team.TeamLimits;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded simulation of the Team aggregate: random interleavings of reservations (members, team keys' users, the
 * team alone; keys with and without budgets), settlements below, at and above their reservations, releases,
 * retried lines, expiries as time passes their deadlines, boosts granted (their ids sometimes sent again: a retry,
 * or an id reused), revoked and ending, period rollovers,
 * budget changes of the team, its members and keys, cost corrections, members registered and removed (up to the
 * member limit). Commands go through Axon (command bus, repository, in-memory event store); every recorded event
 * and every answer is checked against an independent model ({@link TeamModel}) after every step, with the
 * invariants: settled + open reservations within the effective limit unless a recorded overrun (or a correction,
 * or a lowered limit) explains it, reserved = the sum of open reservations, every request ends exactly once, the
 * events' balances equal the model's. Now and then the team is evicted from the cache, so that it is rebuilt from
 * its events.
 * <p>
 * A short run by default (10,000 steps, seconds); a longer one on demand: {@code -Dsimulation.steps=1000000}. The
 * seed is random and printed (and named in a failure with the command that repeats it); {@code -Dsimulation.seed=...}
 * repeats a simulation exactly, {@code -Dsimulation.run-seed=...} one team's run of it.
 */
class TeamSimulationTest {

    static final long DEFAULT_STEPS = 10_000;
    /** Steps per simulated team: each run is a new team with a seed of its own. */
    static final int RUN_LENGTH = 2_000;
    static final int RELOAD_EVERY = 250;

    @AfterEach
    void restoreClock() {
        GenericEventMessage.clock = Clock.systemUTC();
    }

    @Test
    void randomInterleavingsKeepEveryBudgetWithinItsLimitAndEndEveryRequestExactlyOnce() {
        long steps = Long.getLong("simulation.steps", DEFAULT_STEPS);
        long seed = Long.getLong("simulation.seed", new SecureRandom().nextLong());
        int runLength = Integer.getInteger("simulation.run-length", RUN_LENGTH);
        Long onlyRun = Long.getLong("simulation.run-seed"); // one run of a failed simulation, by its own seed
        System.out.println("TeamSimulationTest: seed " + seed + ", " + steps + " steps");
        SplittableRandom seeds = new SplittableRandom(seed);
        Map<String, Long> stats = new TreeMap<>();
        long done = 0;
        for (int run = 0; done < steps; run++) {
            long runSeed = onlyRun != null ? onlyRun : seeds.nextLong();
            int length = (int) Math.min(runLength, steps - done);
            Simulation simulation = new Simulation(runSeed, length, stats);
            try {
                simulation.run();
            } catch (AssertionError | RuntimeException failure) {
                throw new AssertionError("The simulation failed with seed " + seed + " (run " + run + ", run seed "
                        + runSeed + ", step " + simulation.step + " of " + length + ", at " + simulation.now
                        + ", after " + simulation.lastStep + "). Repeat it: mvn -pl command-side test "
                        + "-Dtest=TeamSimulationTest -Dsimulation.seed=" + seed + " -Dsimulation.steps=" + steps
                        + " (or only that run: -Dsimulation.run-seed=" + runSeed + " -Dsimulation.steps=" + length
                        + ")\n" + failure.getMessage(), failure);
            } finally {
                simulation.shutdown();
            }
            done += length;
        }
        System.out.println("TeamSimulationTest: " + stats);

        assertThat(done).isEqualTo(steps);
        if (steps >= DEFAULT_STEPS) { // the interleavings the simulation is for did happen
            assertThat(stats).containsKeys("reserved", "clamped", "rejected: user", "rejected: team",
                    "rejected: key", "rejected: membership", "rejected: member_limit", "settled below",
                    "settled at", "overran", "released", "expired", "period rolled", "boost granted",
                    "boost revoked or ended", "boost id sent again", "refused: CONFLICT", "cost corrected",
                    "user removed", "reloaded from events");
            assertThat(stats.values()).allMatch(count -> count > 0);
        }
    }

    /**
     * Holds the aggregate until the simulation evicts it (Axon's WeakReferenceCache loses it at any garbage
     * collection, and every load then replays the whole run).
     */
    static final class HeldCache implements Cache {
        private final Map<Object, Object> entries = new java.util.HashMap<>();

        @Override
        @SuppressWarnings("unchecked")
        public <K, V> V get(K key) {
            return (V) entries.get(key);
        }

        @Override
        public void put(Object key, Object value) {
            entries.put(key, value);
        }

        @Override
        public boolean putIfAbsent(Object key, Object value) {
            return entries.putIfAbsent(key, value) == null;
        }

        @Override
        public boolean remove(Object key) {
            return entries.remove(key) != null;
        }

        @Override
        public boolean containsKey(Object key) {
            return entries.containsKey(key);
        }

        @Override
        public Registration registerCacheEntryListener(EntryListener listener) {
            return () -> true;
        }
    }

    record TimePassing(Duration by) {
    }

    /** One team, driven by one seed. */
    static final class Simulation {

        static final String TEAM = "sim";
        static final String[] ADMIN_USERS = {"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7"};
        static final String[] KEYS = {"k0", "k1", "k2", "k3"};
        static final String[] OUTPUT_PRICES = {"0", "0.5", "2", "10", "60"};
        static final Duration[] TTLS = {Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofHours(1)};

        final SplittableRandom random;
        final int length;
        final Map<String, Long> stats;
        final TeamLimits limits;
        final HeldCache cache = new HeldCache();
        final List<Object> captured = new ArrayList<>();
        final Configuration axon;
        final CommandGateway commands;
        final TeamModel model;
        Instant now;
        int step;
        /** What the step did, described when a check fails. */
        Object lastStep = "nothing";
        int requests;
        int recalculations;
        /** The boost ids granted so far (some sent again: repeats, reuses of ended ids), with their first grant. */
        final List<String> boostIds = new ArrayList<>();
        final Map<String, GrantBoost> firstGrants = new java.util.HashMap<>();
        String lastRecalculation;

        Simulation(long seed, int length, Map<String, Long> stats) {
            this.random = new SplittableRandom(seed);
            this.length = length;
            this.stats = stats;
            this.limits = new TeamLimits(3 + random.nextInt(6));
            this.model = new TeamModel(TEAM, limits.maxMembers());
            this.now = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextLong(3L * 365 * 86_400));
            tick();
            axon = DefaultConfigurer.defaultConfiguration()
                    .configureSerializer(c -> JacksonSerializer.defaultSerializer())
                    .configureEmbeddedEventStore(c -> new InMemoryEventStorageEngine())
                    .configureAggregate(AggregateConfigurer.defaultConfiguration(Team.class)
                            .configureCache(c -> cache))
                    .registerComponent(TeamLimits.class, c -> limits)
                    .start();
            axon.eventStore().subscribe(messages -> messages.forEach(m -> captured.add(m.getPayload())));
            commands = axon.commandGateway();
        }

        void shutdown() {
            axon.shutdown();
        }

        private void tick() {
            GenericEventMessage.clock = Clock.fixed(now, ZoneOffset.UTC);
        }

        private void count(String what) {
            stats.merge(what, 1L, Long::sum);
        }

        private TeamModel.Events events() {
            TeamModel.Events events = new TeamModel.Events(List.copyOf(captured));
            captured.clear();
            return events;
        }

        void run() {
            CreateTeam create = new CreateTeam(TEAM, "Simulated team", budget(false), budget(true),
                    random.nextInt(4) == 0 ? OverBudgetPolicy.REJECT : OverBudgetPolicy.CLAMP, "admin", "simulation");
            commands.sendAndWait(create);
            TeamModel.Events created = events();
            model.created(create, now, created);
            created.done("the team's creation");
            for (step = 1; step <= length; step++) {
                Map<String, Long> decidedBefore = model.decided(now);
                if (step % RELOAD_EVERY == 0) {
                    cache.remove(TEAM);
                    count("reloaded from events");
                }
                Instant before = now;
                oneStep();
                model.checkInvariants(now, decidedBefore, !now.equals(before));
            }
            // Long after everything: whatever is still open expires, and then every request has ended.
            now = now.plus(Duration.ofDays(2));
            tick();
            lastStep = "the final expiry";
            commands.sendAndWait(new ExpireReservations(TEAM));
            TeamModel.Events events = events();
            model.expiries(now, events);
            events.done(lastStep);
            model.checkEveryRequestEnded();
            stats.merge("expired", (long) model.expired, Long::sum);
            stats.merge("boost revoked or ended", (long) model.boostsEnded, Long::sum);
            stats.merge("new account with requests in flight", (long) model.inFlightOnNewAccount, Long::sum);
            stats.merge("steps", (long) length, Long::sum);
        }

        private void oneStep() {
            int roll = random.nextInt(100);
            if (roll < 24) {
                spend(reserveLines());
            } else if (roll < 40) {
                spend(settleLines());
            } else if (roll < 45) {
                spend(releaseLines());
            } else if (roll < 53) {
                spend(mixedLines());
            } else if (roll < 55) {
                spend(retriedLines());
            } else if (roll < 67) {
                advanceTime();
            } else if (roll < 69) {
                lastStep = "ExpireReservations";
                commands.sendAndWait(new ExpireReservations(TEAM));
                TeamModel.Events events = events();
                model.expiries(now, events);
                events.done(lastStep);
            } else if (roll < 73) {
                grantBoost();
            } else if (roll < 75) {
                RevokeBoost revoke = new RevokeBoost(TEAM, boostIds.isEmpty() || random.nextInt(8) == 0 ? "b-none"
                        : boostIds.get(random.nextInt(boostIds.size())), "admin", "simulation");
                admin(revoke, events -> model.boostRevoked(revoke, now, events));
            } else if (roll < 77) {
                lastStep = "ExpireBoosts";
                commands.sendAndWait(new ExpireBoosts(TEAM));
                TeamModel.Events events = events();
                model.boostsExpired(now, events);
                events.done(lastStep);
            } else if (roll < 79) {
                SetTeamBudget set = new SetTeamBudget(TEAM, random.nextInt(10) == 0 ? null : budget(false),
                        random.nextBoolean() ? budget(true) : null,
                        random.nextInt(3) == 0 ? (random.nextBoolean() ? OverBudgetPolicy.CLAMP
                                : OverBudgetPolicy.REJECT) : null, "admin", "simulation");
                admin(set, events -> model.teamBudgetSet(set, now, events));
            } else if (roll < 81) {
                setUserBudget();
            } else if (roll < 84) {
                setKeyBudget();
            } else if (roll < 87) {
                adjustCosts();
            } else if (roll < 97) {
                registerUser();
            } else {
                removeUser();
            }
        }

        // -------------------------------------------------------------- spend

        private void spend(List<SpendLine> lines) {
            if (lines.isEmpty()) {
                return;
            }
            lastStep = lines;
            SpendBatchResult result = commands.sendAndWait(new RecordSpendBatch(TEAM, lines));
            TeamModel.Events events = events();
            model.expiries(now, events);
            for (int i = 0; i < lines.size(); i++) {
                SpendLine line = lines.get(i);
                SpendOutcome expected;
                if (line instanceof ReserveSpend reserve) {
                    expected = model.reserve(reserve, now, events);
                } else if (line instanceof SettleSpend settle) {
                    expected = model.settle(settle, now, events);
                } else {
                    expected = model.release((ReleaseReservation) line, now, events);
                }
                SpendOutcome actual = result.outcomes().get(i);
                TeamModel.check(expected.equals(actual), () -> "line " + line + ":\n  expected " + expected
                        + "\n  answered " + actual);
                countOutcome(line, actual);
            }
            events.done(lastStep);
            count("batches");
        }

        private void countOutcome(SpendLine line, SpendOutcome outcome) {
            if (outcome instanceof SpendOutcome.Reserved reserved && line instanceof ReserveSpend) {
                count(reserved.clamped() ? "clamped" : "reserved");
            } else if (outcome instanceof SpendOutcome.Rejected rejected) {
                count("rejected: " + rejected.limitingBudget());
            } else if (outcome instanceof SpendOutcome.Settled settled) {
                TeamModel.Req req = model.requests.get(settled.requestId());
                count(settled.cost().nanos() < req.amount ? "settled below"
                        : settled.cost().nanos() == req.amount ? "settled at" : "overran");
            } else if (outcome instanceof SpendOutcome.Released) {
                count("released");
            } else if (outcome instanceof SpendOutcome.NotOpen) {
                count("not open (retried)");
            }
        }

        private List<SpendLine> reserveLines() {
            List<SpendLine> lines = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                lines.add(reserveLine());
            }
            return lines;
        }

        private ReserveSpend reserveLine() {
            String id = "r" + (++requests);
            String userId = null;
            String external = null;
            int who = random.nextInt(10);
            if (who < 4) {
                List<String> members = List.copyOf(model.members.keySet());
                userId = members.isEmpty() || random.nextInt(12) == 0 ? pick(ADMIN_USERS)
                        : members.get(random.nextInt(members.size()));
            } else if (who < 8) {
                external = "x" + random.nextInt(14);
            }
            String key = random.nextInt(4) == 0 ? null : pick(KEYS);
            Money prompt = Money.ofNanos(random.nextLong(3_000_000));
            TokenPrice output = TokenPrice.perMillion(pick(OUTPUT_PRICES));
            long max = 1 + random.nextLong(2_000);
            long min = random.nextLong(64);
            Map<String, String> tags = random.nextInt(3) == 0 ? Map.of("course", "c" + random.nextInt(3)) : Map.of();
            return new ReserveSpend(id, userId, external, key, "gpt-sim", prompt, output, max, min,
                    TTLS[random.nextInt(TTLS.length)], tags);
        }

        private List<TeamModel.Req> open() {
            return List.copyOf(model.open.values());
        }

        private List<SpendLine> settleLines() {
            List<SpendLine> lines = new ArrayList<>();
            List<TeamModel.Req> open = new ArrayList<>(open());
            int n = Math.min(open.size(), 1 + random.nextInt(3));
            for (int i = 0; i < n; i++) {
                lines.add(settleLine(open.remove(random.nextInt(open.size()))));
            }
            return lines;
        }

        private SettleSpend settleLine(TeamModel.Req req) {
            int kind = random.nextInt(10);
            long cost = kind < 5 ? random.nextLong(req.amount + 1)
                    : kind < 7 ? req.amount
                    : req.amount + 1 + random.nextLong(req.amount + 1_000_000);
            Usage usage = new Usage(random.nextLong(5_000), random.nextLong(3_000), 0, 0);
            return new SettleSpend(req.id, random.nextInt(5) == 0 ? "gpt-fallback" : null, usage,
                    Money.ofNanos(cost), "v1", "openai", "d" + random.nextInt(2), random.nextLong(30_000),
                    1 + random.nextInt(3));
        }

        private List<SpendLine> releaseLines() {
            List<TeamModel.Req> open = open();
            if (open.isEmpty()) {
                return List.of();
            }
            return List.of(new ReleaseReservation(open.get(random.nextInt(open.size())).id, "upstream_http_500"));
        }

        /** Reservations, settlements, releases and retries in one batch, decided in order. */
        private List<SpendLine> mixedLines() {
            List<SpendLine> lines = new ArrayList<>();
            List<TeamModel.Req> open = new ArrayList<>(open());
            int n = 2 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(4);
                if (kind == 0 || open.isEmpty()) {
                    ReserveSpend reserve = reserveLine();
                    lines.add(reserve);
                    if (random.nextInt(3) == 0) {
                        lines.add(reserve); // the same line twice: the second answers the first's reservation
                    }
                } else if (kind == 1) {
                    lines.add(settleLine(open.remove(random.nextInt(open.size()))));
                } else if (kind == 2) {
                    lines.add(new ReleaseReservation(open.remove(random.nextInt(open.size())).id, "upstream_timeout"));
                } else {
                    lines.addAll(retriedLines());
                }
            }
            return lines;
        }

        /** Lines for requests that ended already: each answers NotOpen and records nothing. */
        private List<SpendLine> retriedLines() {
            List<String> closed = List.copyOf(model.closed.keySet());
            if (closed.isEmpty()) {
                return List.of();
            }
            String id = closed.get(closed.size() - 1 - random.nextInt(Math.min(closed.size(), 200)));
            return switch (random.nextInt(3)) {
                case 0 -> List.of(new SettleSpend(id, null, new Usage(1, 1, 0, 0), Money.ofNanos(1), "v1", "p",
                        "d", 1));
                case 1 -> List.of(new ReleaseReservation(id, "retried"));
                default -> List.of(new ReserveSpend(id, null, null, null, "gpt-sim", Money.ofNanos(1),
                        TokenPrice.perMillion("1"), 1, 1, Duration.ofMinutes(1), Map.of()));
            };
        }

        private void advanceTime() {
            int kind = random.nextInt(20);
            long seconds = kind < 10 ? 1 + random.nextLong(120)
                    : kind < 16 ? 60 + random.nextLong(3_600)
                    : kind < 19 ? 3_600 + random.nextLong(2 * 86_400)
                    : 86_400 + random.nextLong(40 * 86_400L);
            Instant before = now;
            now = now.plusSeconds(seconds);
            tick();
            lastStep = new TimePassing(Duration.ofSeconds(seconds));
            if (!TeamModel.startOf(BudgetPeriod.DAILY, now).equals(TeamModel.startOf(BudgetPeriod.DAILY, before))) {
                count("period rolled");
            }
        }

        // -------------------------------------------------------------- administration

        /** A command the model expects to succeed; its events are checked by {@code expect}. */
        private void admin(Object command, java.util.function.Consumer<TeamModel.Events> expect) {
            lastStep = command;
            commands.sendAndWait(command);
            TeamModel.Events events = events();
            expect.accept(events);
            events.done(lastStep);
        }

        /** A command the model expects the Team to refuse, recording nothing. */
        private void refused(Object command, CommandRefused.Reason reason) {
            lastStep = command + " (to be refused: " + reason + ")";
            try {
                commands.sendAndWait(command);
                throw new AssertionError(command + " was not refused (" + reason + " expected)");
            } catch (CommandRefused refusal) {
                TeamModel.check(refusal.reason() == reason, () -> command + " refused with " + refusal.reason()
                        + " (" + refusal.getMessage() + "), " + reason + " expected");
            }
            TeamModel.check(captured.isEmpty(), () -> "a refused command recorded " + captured);
            count("refused: " + reason);
        }

        private void registerUser() {
            String userId = pick(ADMIN_USERS);
            String external = random.nextInt(10) < 7 ? null : "x" + random.nextInt(14);
            List<String> removed = List.copyOf(model.removed);
            if (!removed.isEmpty() && random.nextInt(3) == 0) { // readmitted, perhaps with requests in flight
                userId = removed.get(random.nextInt(removed.size()));
                external = userId.startsWith(TEAM + ":") ? userId.substring(TEAM.length() + 1) : null;
            }
            RegisterUser register = new RegisterUser(TEAM, userId, external, "User " + userId,
                    random.nextInt(3) == 0 ? budget(true) : null,
                    random.nextBoolean() ? Set.of("course:c1") : Set.of(), "admin");
            CommandRefused.Reason refusal = model.refusalOf(register);
            if (refusal != null) {
                refused(register, refusal);
            } else {
                admin(register, events -> model.registered(register, now, events));
                count("user registered");
            }
        }

        private void removeUser() {
            List<String> members = List.copyOf(model.members.keySet());
            if (members.isEmpty()) {
                return;
            }
            RemoveUser remove = new RemoveUser(TEAM, members.get(random.nextInt(members.size())), "admin", "left");
            admin(remove, events -> model.removedUser(remove, now, events));
            count("user removed");
            if (random.nextBoolean()) { // removing again changes nothing
                admin(remove, events -> model.removedUser(remove, now, events));
            }
        }

        private void setUserBudget() {
            List<String> members = List.copyOf(model.members.keySet());
            if (members.isEmpty()) {
                return;
            }
            SetUserBudget set = new SetUserBudget(TEAM, members.get(random.nextInt(members.size())),
                    random.nextInt(3) == 0 ? null : budget(true), "admin", "simulation");
            admin(set, events -> model.userBudgetSet(set, now, events));
        }

        private void setKeyBudget() {
            SetKeyBudget set = new SetKeyBudget(TEAM, pick(KEYS), random.nextInt(4) == 0 ? null : budget(false),
                    "admin", "simulation");
            if (model.refusesKeyBudget(set)) {
                refused(set, CommandRefused.Reason.LIMIT_REACHED);
            } else {
                admin(set, events -> model.keyBudgetSet(set, now, events));
            }
        }

        private void grantBoost() {
            List<String> members = List.copyOf(model.members.keySet());
            String userId = members.isEmpty() || random.nextBoolean() ? null
                    : members.get(random.nextInt(members.size()));
            Instant startsAt = now.plusSeconds(random.nextLong(-7_200, 7_200));
            Instant endsAt = startsAt.plusSeconds(60 + random.nextLong(3 * 86_400L));
            if (!endsAt.isAfter(now)) {
                endsAt = now.plusSeconds(60);
            }
            GrantBoost fresh = new GrantBoost(TEAM, "b" + boostIds.size(), userId,
                    Money.ofNanos(1_000_000 + random.nextLong(100_000_000)), startsAt, endsAt, "simulation", null,
                    "admin");
            GrantBoost grant = fresh;
            if (!boostIds.isEmpty() && random.nextInt(4) == 0) { // an id sent again
                GrantBoost first = firstGrants.get(boostIds.get(random.nextInt(boostIds.size())));
                grant = random.nextBoolean() && first.endsAt().isAfter(now) && (first.userId() == null
                        || model.members.containsKey(first.userId()))
                        ? new GrantBoost(TEAM, first.boostId(), first.userId(), first.amount(), now, first.endsAt(),
                                "simulation", null, "admin") // a retry: the same terms, its start when sent again
                        : new GrantBoost(TEAM, first.boostId(), fresh.userId(), fresh.amount(), fresh.startsAt(),
                                fresh.endsAt(), "simulation", null, "admin"); // the id taken for another boost
                count("boost id sent again");
            } else {
                boostIds.add(fresh.boostId());
                firstGrants.put(fresh.boostId(), fresh);
            }
            GrantBoost sent = grant;
            CommandRefused.Reason refusal = model.refusesBoost(sent, now);
            if (refusal != null) {
                refused(sent, refusal);
                return;
            }
            int before = model.boosts.size();
            admin(sent, events -> model.boostGranted(sent, now, events));
            if (model.boosts.containsKey(sent.boostId() + "/" + (sent.userId() == null ? "" : sent.userId()))
                    && model.boosts.size() >= before) {
                count("boost granted");
            }
        }

        private void adjustCosts() {
            List<TeamModel.Req> settled = model.requests.values().stream()
                    .filter(r -> r.state.equals("settled")).toList();
            if (settled.isEmpty()) {
                return;
            }
            int kind = random.nextInt(10);
            if (kind == 0 && lastRecalculation != null) { // an approval resumed: its chunk was recorded already
                AdjustCosts again = new AdjustCosts(TEAM, lastRecalculation, now, 0, List.of(), "admin", "resumed");
                admin(again, events -> TeamModel.check(model.adjusted(again, now, events) == 0,
                        "a recorded chunk adjusts nothing"));
                return;
            }
            String recalculation = "rc" + (++recalculations);
            List<CostAdjustment> lines = new ArrayList<>();
            int n = Math.min(settled.size(), 1 + random.nextInt(3));
            for (int i = 0; i < n; i++) {
                TeamModel.Req req = settled.get(random.nextInt(settled.size()));
                if (lines.stream().anyMatch(l -> l.requestId().equals(req.id))) {
                    continue;
                }
                lines.add(new CostAdjustment(req.id, req.userId, req.keyId, req.settledModel, req.provider,
                        new Usage(10, 10, 0, 0), req.reservedAt, req.tags, Money.ofNanos(req.cost),
                        Money.ofNanos(random.nextLong(2 * req.cost + 1_000_000)), "v2"));
            }
            AdjustCosts adjust = new AdjustCosts(TEAM, recalculation, now, kind == 1 ? 1 : 0, lines, "admin", "invoice");
            if (model.refusesChunk(adjust)) {
                refused(adjust, CommandRefused.Reason.CONFLICT);
                return;
            }
            admin(adjust, events -> model.adjusted(adjust, now, events));
            lastRecalculation = recalculation;
            count("cost corrected");
        }

        // -------------------------------------------------------------- values

        private Budget budget(boolean forMembers) {
            BudgetPeriod period = switch (random.nextInt(20)) {
                case 0, 1, 2, 3, 4, 5 -> BudgetPeriod.DAILY;
                case 6, 7, 8, 9 -> BudgetPeriod.WEEKLY;
                case 10, 11, 12, 13, 14, 15, 16 -> BudgetPeriod.MONTHLY;
                default -> BudgetPeriod.NONE;
            };
            if (random.nextInt(10) == 0) {
                return new Budget(null, period);
            }
            long limit = forMembers ? 5_000_000 + random.nextLong(500_000_000)
                    : 50_000_000 + random.nextLong(2_000_000_000);
            return new Budget(Money.ofNanos(limit), period);
        }

        private String pick(String[] values) {
            return values[random.nextInt(values.length)];
        }
    }
}
