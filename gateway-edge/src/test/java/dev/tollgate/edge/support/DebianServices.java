package dev.tollgate.edge.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server and a Redis server from Debian's {@code postgresql} and {@code redis-server} packages (installed
 * by {@code .ci/run} when missing), each in its own folder and on its own loopback port, for tests that run several
 * Tollgate processes as an operator would: one database, one Redis, several nodes. As root, PostgreSQL runs as the
 * {@code postgres} user the package creates (it refuses to run as root).
 */
public final class DebianServices implements AutoCloseable {

    private final Path dir;
    private final Path pgData;
    private final Path pgBin;
    private final int pgPort;
    private final Process redis;
    private final int redisPort;

    private DebianServices(Path dir, Path pgData, Path pgBin, int pgPort, Process redis, int redisPort) {
        this.dir = dir;
        this.pgData = pgData;
        this.pgBin = pgBin;
        this.pgPort = pgPort;
        this.redis = redis;
        this.redisPort = redisPort;
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} with {@code pg_ctl}, or {@code null}. */
    public static Path postgresBin() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString()
                            .replaceAll("\\D", "0")))).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    public static boolean available() {
        return postgresBin() != null && Files.isExecutable(Path.of("/usr/bin/redis-server"));
    }

    /** Starts both in a new folder under the system's temporary folder (reachable by the postgres user). */
    public static DebianServices start() throws IOException, InterruptedException {
        Path bin = postgresBin();
        if (bin == null) {
            throw new IllegalStateException("Debian's postgresql package is not installed (.ci/run installs it)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("tollgate-services-");
        Path data = dir.resolve("pg");
        Files.createDirectories(data);
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        run(asPostgres(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync"));
        int pgPort = TollgateProcess.freePort();
        run(asPostgres(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
                "-l", data.resolve("server.log").toString(), "-o",
                "-p " + pgPort + " -k " + data + " -c listen_addresses=127.0.0.1 -c max_connections=200 "
                        + "-c fsync=on -c synchronous_commit=on", "start"));
        int redisPort = TollgateProcess.freePort();
        Process redis = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(redisPort),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        DebianServices services = new DebianServices(dir, data, bin, pgPort, redis, redisPort);
        services.awaitRedis();
        return services;
    }

    private void awaitRedis() throws InterruptedException, IOException {
        for (int i = 0; i < 200; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", redisPort)) {
                return;
            } catch (IOException notYet) {
                if (!redis.isAlive()) {
                    throw new IllegalStateException("redis-server exited with " + redis.exitValue());
                }
                redis.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + redisPort);
    }

    private static List<String> asPostgres(boolean root, String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(Arrays.asList(command));
        return full;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    }

    public String redisUrl() {
        return "redis://127.0.0.1:" + redisPort;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        redis.destroy();
        redis.waitFor(10, TimeUnit.SECONDS);
        boolean root = "root".equals(System.getProperty("user.name"));
        run(asPostgres(root, pgBin.resolve("pg_ctl").toString(), "-D", pgData.toString(), "-m", "fast", "-w",
                "stop"));
        run(List.of("rm", "-rf", dir.toString()));
    }
}
