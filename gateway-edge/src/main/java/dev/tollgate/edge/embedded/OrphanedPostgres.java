package dev.tollgate.edge.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A Tollgate that was killed (kill -9, a crash) leaves its embedded PostgreSQL running, and the next start would
 * fail on the locked data folder. The postmaster of our own data folder is stopped (it shuts down cleanly on
 * SIGTERM, losing nothing committed) before a new one starts.
 */
final class OrphanedPostgres {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostgres.class);

    private OrphanedPostgres() {
    }

    /**
     * The JVM that started an embedded PostgreSQL holds a lock on its {@code epg-lock} file for as long as it lives;
     * the lock goes with the JVM. If we can take it, nobody owns the data folder any more.
     */
    private static boolean ownerIsGone(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return true;
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = channel.tryLock()) {
            return lock != null;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false; // held in this very JVM
        } catch (IOException e) {
            return true;
        }
    }

    static void stopIfRunning(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        if (!ownerIsGone(dataDirectory.resolve("epg-lock"))) {
            throw new IllegalStateException("Another Tollgate is running on the data folder " + dataDirectory
                    + ": stop it first, or give this one its own folder (tollgate.data-dir).");
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            boolean ours = process.isPresent() && lines.size() > 1
                    && Path.of(lines.get(1).trim()).toAbsolutePath().normalize().equals(dataDirectory)
                    && process.get().info().command().map(c -> c.endsWith("postgres")).orElse(false);
            if (!ours) {
                return; // a stale file: PostgreSQL itself will ignore it
            }
            log.warn("Stopping the embedded PostgreSQL (pid {}) left running by a previous Tollgate", pid);
            process.get().destroy();
            process.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            log.warn("Could not check for a running embedded PostgreSQL in {}: {}", dataDirectory, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
