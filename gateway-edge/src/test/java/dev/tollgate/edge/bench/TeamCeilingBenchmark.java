package dev.tollgate.edge.bench;

import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.api.team.CreateTeam;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.edge.ledger.SpendLedger;
import dev.tollgate.edge.support.RunningGateway;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test (its name keeps it out of {@code mvn verify}): how many requests per second one hot team
 * sustains in the ledger alone, each request being a reservation and a settlement, durable (fsync on), decided in
 * batches by {@link SpendLedger}. No HTTP, no upstream: the ceiling of the write model itself.
 * <p>
 * Run: {@code mvn -B -q -pl gateway-edge -am -DskipTests install && mvn -B -pl gateway-edge test
 * -Dtest=TeamCeilingBenchmark -Dsurefire.failIfNoSpecifiedTests=false} (or {@code bench/team-ceiling.sh}).
 */
class TeamCeilingBenchmark {

    static final int USERS = 1_000;
    static final int IN_FLIGHT = Integer.getInteger("bench.inFlight", 512);
    static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmupSeconds", 20));
    static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 20));

    @TempDir
    Path dataDir;

    @Test
    void oneHotTeam() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir,
                "tollgate.embedded-postgres.durable=true", "logging.level.root=warn")) {
            CommandGateway commands = gateway.bean(CommandGateway.class);
            SpendLedger ledger = gateway.bean(SpendLedger.class);
            commands.sendAndWait(new CreateTeam("hot", "Every student", Budget.of("1000000000", BudgetPeriod.MONTHLY),
                    Budget.of("1000000", BudgetPeriod.MONTHLY), OverBudgetPolicy.CLAMP, "bench", null));
            for (int u = 0; u < USERS; u++) {
                commands.sendAndWait(new RegisterUser("hot", "student-" + u, null, null, null, null, "bench"));
            }
            run(ledger, WARMUP, "warm-up");
            long jvm0 = jvmCpuNanos();
            long pg0 = postgresCpuNanos();
            Result result = run(ledger, MEASURE, "measured");
            long jvm = jvmCpuNanos() - jvm0;
            long pg = postgresCpuNanos() - pg0;
            System.out.printf("%nTEAM CEILING: %.0f requests/s (%.0f spend lines/s, each request = reserve + settle),"
                            + " durable, %d in flight, %d members, %s%n", result.requestsPerSecond(),
                    2 * result.requestsPerSecond(), IN_FLIGHT, USERS, MEASURE);
            // CPU per request: the figure that survives a shared machine (the rate depends on what else runs)
            System.out.printf("TEAM CEILING CPU: JVM %.0f us/request, PostgreSQL %.0f us/request (%d requests)%n",
                    jvm / 1e3 / result.requests(), pg / 1e3 / result.requests(), result.requests());
            var meters = gateway.bean(io.micrometer.core.instrument.MeterRegistry.class);
            var batches = meters.get("tollgate.ledger.batch.duration").timer();
            var sizes = meters.get("tollgate.ledger.batch.size").summary();
            System.out.printf("TEAM CEILING BATCHES (warm-up included): %d batches, %.1f lines each on average (max %.0f),"
                            + " %.2f ms each on average (max %.1f)%n", batches.count(), sizes.mean(), sizes.max(),
                    batches.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                    batches.max(java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }

    record Result(double requestsPerSecond, long requests) {
    }

    /** CPU time of this JVM (every thread: the ledger, the processors, the benchmark's driver). */
    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the embedded PostgreSQL: its postmaster and every process below it, from /proc. */
    private long postgresCpuNanos() throws Exception {
        Path pidFile;
        try (var files = java.nio.file.Files.find(dataDir, 3, (p, a) -> p.endsWith("postmaster.pid"))) {
            pidFile = files.findFirst().orElse(null);
        }
        if (pidFile == null) {
            return 0;
        }
        long postmaster = Long.parseLong(java.nio.file.Files.readAllLines(pidFile).get(0).trim());
        long ticks = 0;
        for (ProcessHandle process : java.util.stream.Stream.concat(ProcessHandle.of(postmaster).stream(),
                ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::descendants)).toList()) {
            try {
                String[] stat = java.nio.file.Files.readString(Path.of("/proc/" + process.pid() + "/stat"))
                        .replaceFirst("^.*\\) ", "").split(" ");
                ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]); // utime, stime
            } catch (java.io.IOException gone) {
                // a backend that ended meanwhile
            }
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    private Result run(SpendLedger ledger, Duration duration, String label) throws Exception {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicLong completed = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long n = sequence.incrementAndGet();
            String requestId = label + "-" + n;
            String user = "student-" + (n % USERS);
            ledger.submit("hot", new ReserveSpend(requestId, user, null, "key",
                            "model", Money.of("0.0001"), TokenPrice.perMillion("0.6"), 500, 16, Duration.ofMinutes(15),
                            java.util.Map.of()))
                    .thenCompose(outcome -> outcome instanceof SpendOutcome.Reserved
                            ? ledger.submit("hot", new SettleSpend(requestId, "model", new Usage(100, 50, 0, 0),
                            Money.of("0.00004"), "bench", "mock", "mock", 1))
                            : CompletableFuture.completedFuture(outcome))
                    .whenComplete((o, e) -> {
                        completed.incrementAndGet();
                        inFlight.release();
                    });
        }
        inFlight.acquire(IN_FLIGHT);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(completed.get() / seconds, completed.get());
    }
}
