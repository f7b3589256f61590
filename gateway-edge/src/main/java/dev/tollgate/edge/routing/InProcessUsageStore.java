package dev.tollgate.edge.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The usage of one node, in its memory: the default when no Redis is configured. */
public class InProcessUsageStore implements UsageStore {

    private final ConcurrentHashMap<String, Deployment> deployments = new ConcurrentHashMap<>();
    private final Cache<String, Window> windows = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(5))
            .maximumSize(200_000)
            .build();

    @Override
    public CompletionStage<List<DeploymentUsage>> usage(List<String> names, long nowMillis) {
        List<DeploymentUsage> usage = new ArrayList<>(names.size());
        for (String name : names) {
            Deployment deployment = deployment(name);
            synchronized (deployment) {
                deployment.roll(nowMillis);
                usage.add(new DeploymentUsage(name, deployment.requests, deployment.tokens, deployment.inFlight,
                        deployment.latency, deployment.cooldownUntil));
            }
        }
        return CompletableFuture.completedFuture(usage);
    }

    @Override
    public CompletionStage<Boolean> acquire(String name, Long rpm, Long tpm, long tokens, long nowMillis) {
        Deployment deployment = deployment(name);
        synchronized (deployment) {
            deployment.roll(nowMillis);
            if ((rpm != null && deployment.requests + 1 > rpm) || (tpm != null && deployment.tokens + tokens > tpm)) {
                return CompletableFuture.completedFuture(false);
            }
            deployment.requests++;
            deployment.tokens += tokens;
            deployment.inFlight++;
            return CompletableFuture.completedFuture(true);
        }
    }

    @Override
    public CompletionStage<Void> finish(String name, long acquiredAtMillis, long estimatedTokens, long usedTokens,
                                        long latencyMillis) {
        Deployment deployment = deployment(name);
        synchronized (deployment) {
            if (deployment.minute == UsageStore.minuteOf(acquiredAtMillis)) {
                deployment.tokens += usedTokens - estimatedTokens;
            }
            deployment.inFlight = Math.max(0, deployment.inFlight - 1);
            if (latencyMillis >= 0) {
                deployment.latency = deployment.latency == 0 ? latencyMillis
                        : LATENCY_ALPHA * latencyMillis + (1 - LATENCY_ALPHA) * deployment.latency;
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Long> fail(String name, int allowedFails, long windowMillis, long cooldownMillis,
                                      long coolUntilMillis, long nowMillis) {
        Deployment deployment = deployment(name);
        synchronized (deployment) {
            if (nowMillis - deployment.failsSince > windowMillis) {
                deployment.fails = 0;
                deployment.failsSince = nowMillis;
            }
            deployment.fails++;
            if (coolUntilMillis > 0) {
                deployment.cooldownUntil = Math.max(deployment.cooldownUntil, coolUntilMillis);
            } else if (deployment.fails >= allowedFails) {
                deployment.cooldownUntil = Math.max(deployment.cooldownUntil, nowMillis + cooldownMillis);
                deployment.fails = 0;
            }
            return CompletableFuture.completedFuture(deployment.cooldownUntil > nowMillis ? deployment.cooldownUntil : 0L);
        }
    }

    @Override
    public CompletionStage<KeyWindow> admitKey(String keyId, Long rpm, Long tpm, long tokens, long nowMillis) {
        Window window = windows.get(keyId, id -> new Window());
        synchronized (window) {
            window.evict(nowMillis);
            long oldest = window.requests.isEmpty() ? 0 : window.requests.peekFirst().at;
            if (rpm != null && window.requests.size() >= rpm) {
                return done(new KeyWindow(Refusal.REQUESTS, 0, window.requests.size(), window.tokens, oldest,
                        oldest + MINUTE_MILLIS));
            }
            if (tpm != null && tokens > tpm) {
                return done(new KeyWindow(Refusal.TOKENS_TOO_MANY, 0, window.requests.size(), window.tokens, oldest,
                        nowMillis + MINUTE_MILLIS));
            }
            if (tpm != null && window.tokens + tokens > tpm) {
                return done(new KeyWindow(Refusal.TOKENS, 0, window.requests.size(), window.tokens, oldest,
                        window.whenTokensFree(tokens, tpm, nowMillis)));
            }
            long id = window.add(nowMillis, tokens);
            return done(new KeyWindow(null, id, window.requests.size(), window.tokens,
                    window.requests.peekFirst().at, 0));
        }
    }

    @Override
    public CompletionStage<Void> settleKey(String keyId, long entryId, long tokens) {
        Window window = windows.getIfPresent(keyId);
        if (window != null) {
            synchronized (window) {
                window.correct(entryId, tokens);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private Deployment deployment(String name) {
        return deployments.computeIfAbsent(name, n -> new Deployment());
    }

    /** One deployment: the current minute's counts, in flight, latency, failures and cooldown. */
    private static final class Deployment {
        long minute;
        long requests;
        long tokens;
        long inFlight;
        double latency;
        int fails;
        long failsSince;
        long cooldownUntil;

        void roll(long nowMillis) {
            long now = UsageStore.minuteOf(nowMillis);
            if (now != minute) {
                minute = now;
                requests = 0;
                tokens = 0;
            }
        }
    }

    /** One request in a key's window; its tokens are corrected when it ends. */
    private static final class Entry {
        final long id;
        final long at;
        long tokens;

        Entry(long id, long at, long tokens) {
            this.id = id;
            this.at = at;
            this.tokens = tokens;
        }
    }

    /** The last minute of one key: its requests, and the tokens they hold. */
    private static final class Window {
        final Deque<Entry> requests = new ArrayDeque<>();
        long tokens;
        long nextId;

        void evict(long now) {
            long horizon = now - MINUTE_MILLIS;
            while (!requests.isEmpty() && requests.peekFirst().at <= horizon) {
                tokens -= requests.pollFirst().tokens;
            }
        }

        long add(long now, long estimate) {
            long id = ++nextId;
            requests.addLast(new Entry(id, now, estimate));
            tokens += estimate;
            return id;
        }

        void correct(long id, long actual) {
            // Requests end roughly in the order they started: search from the oldest.
            for (Entry entry : requests) {
                if (entry.id == id) {
                    tokens += actual - entry.tokens;
                    entry.tokens = actual;
                    return;
                }
            }
        }

        /** When enough of the window's tokens will have left it for {@code needed} more. */
        long whenTokensFree(long needed, long limit, long now) {
            long held = tokens;
            for (Entry entry : requests) {
                held -= entry.tokens;
                if (held + needed <= limit) {
                    return entry.at + MINUTE_MILLIS;
                }
            }
            return now + MINUTE_MILLIS;
        }
    }
}
