package dev.tollgate.edge.routing;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Usage in Redis, shared by every node that names the same Redis: each decision is one Lua script, run atomically by
 * Redis, so that a limit holds exactly however many nodes ask at once. Calls go through Redisson's asynchronous API
 * (scripts by their SHA, loaded once); nothing blocks the caller's thread.
 * <p>
 * Keys (under the configured prefix): {@code dep:{name}:m:{minute}} a hash of the minute's {@code req} and {@code tok};
 * {@code dep:{name}} a hash of {@code inflight}, {@code lat} (microseconds), {@code fails}, {@code since},
 * {@code cool}; {@code key:{id}:log} a sorted set of the window's requests by arrival, {@code key:{id}:tok} their
 * tokens, {@code key:{id}} the window's total and the last request number. Everything expires when idle.
 */
public class RedisUsageStore implements UsageStore {

    /** KEYS: per deployment its minute hash and its state hash. ARGV: -. Returns 5 numbers per deployment. */
    private static final String USAGE = """
            local out = {}
            for i = 1, #KEYS, 2 do
              local m = redis.call('HMGET', KEYS[i], 'req', 'tok')
              local s = redis.call('HMGET', KEYS[i + 1], 'inflight', 'lat', 'cool')
              out[#out + 1] = tonumber(m[1] or '0')
              out[#out + 1] = tonumber(m[2] or '0')
              out[#out + 1] = tonumber(s[1] or '0')
              out[#out + 1] = tonumber(s[2] or '0')
              out[#out + 1] = tonumber(s[3] or '0')
            end
            return out
            """;

    /** KEYS: minute hash, state hash. ARGV: rpm (-1: none), tpm (-1: none), tokens. Returns 1 when counted. */
    private static final String ACQUIRE = """
            local rpm = tonumber(ARGV[1]); local tpm = tonumber(ARGV[2]); local tokens = tonumber(ARGV[3])
            local m = redis.call('HMGET', KEYS[1], 'req', 'tok')
            local req = tonumber(m[1] or '0'); local tok = tonumber(m[2] or '0')
            if (rpm >= 0 and req + 1 > rpm) or (tpm >= 0 and tok + tokens > tpm) then return 0 end
            redis.call('HINCRBY', KEYS[1], 'req', 1)
            redis.call('HINCRBY', KEYS[1], 'tok', tokens)
            redis.call('PEXPIRE', KEYS[1], 180000)
            redis.call('HINCRBY', KEYS[2], 'inflight', 1)
            redis.call('PEXPIRE', KEYS[2], 3600000)
            return 1
            """;

    /** KEYS: minute hash, state hash. ARGV: token correction, latency ms (-1: none), alpha. */
    private static final String FINISH = """
            if ARGV[1] ~= '0' and redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('HINCRBY', KEYS[1], 'tok', ARGV[1])
            end
            local inflight = tonumber(redis.call('HGET', KEYS[2], 'inflight') or '0')
            if inflight > 0 then redis.call('HINCRBY', KEYS[2], 'inflight', -1) end
            local latency = tonumber(ARGV[2])
            if latency >= 0 then
              local sample = latency * 1000
              local old = tonumber(redis.call('HGET', KEYS[2], 'lat') or '0')
              local alpha = tonumber(ARGV[3])
              local new = sample
              if old > 0 then new = alpha * sample + (1 - alpha) * old end
              redis.call('HSET', KEYS[2], 'lat', math.floor(new + 0.5))
            end
            redis.call('PEXPIRE', KEYS[2], 3600000)
            return 1
            """;

    /** KEYS: state hash. ARGV: allowed fails, window ms, cooldown ms, cool until (0: none), now. Returns the end. */
    private static final String FAIL = """
            local allowed = tonumber(ARGV[1]); local window = tonumber(ARGV[2]); local cooldown = tonumber(ARGV[3])
            local coolUntil = tonumber(ARGV[4]); local now = tonumber(ARGV[5])
            local s = redis.call('HMGET', KEYS[1], 'fails', 'since', 'cool')
            local fails = tonumber(s[1] or '0'); local since = tonumber(s[2] or '0'); local cool = tonumber(s[3] or '0')
            if now - since > window then fails = 0; since = now end
            fails = fails + 1
            if coolUntil > 0 then
              if coolUntil > cool then cool = coolUntil end
            elseif fails >= allowed then
              if now + cooldown > cool then cool = now + cooldown end
              fails = 0
            end
            redis.call('HSET', KEYS[1], 'fails', fails, 'since', since, 'cool', cool)
            redis.call('PEXPIRE', KEYS[1], 3600000)
            if cool > now then return cool end
            return 0
            """;

    /**
     * KEYS: the key's log (sorted set), its tokens (hash), its totals (hash). ARGV: now, window, rpm (-1), tpm (-1),
     * tokens. Returns {refusal (0 admitted, 1 requests, 2 too many tokens, 3 tokens), entry id, requests, tokens,
     * oldest, retry at}.
     */
    private static final String ADMIT_KEY = """
            local now = tonumber(ARGV[1]); local window = tonumber(ARGV[2])
            local rpm = tonumber(ARGV[3]); local tpm = tonumber(ARGV[4]); local est = tonumber(ARGV[5])
            local total = tonumber(redis.call('HGET', KEYS[3], 'tokens') or '0')
            local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window)
            if #expired > 0 then
              for _, id in ipairs(expired) do
                total = total - tonumber(redis.call('HGET', KEYS[2], id) or '0')
                redis.call('HDEL', KEYS[2], id)
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
              redis.call('HSET', KEYS[3], 'tokens', total)
            end
            local count = redis.call('ZCARD', KEYS[1])
            local oldest = 0
            local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            if #first > 0 then oldest = tonumber(first[2]) end
            if rpm >= 0 and count >= rpm then return {1, 0, count, total, oldest, oldest + window} end
            if tpm >= 0 and est > tpm then return {2, 0, count, total, oldest, now + window} end
            if tpm >= 0 and total + est > tpm then
              local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
              local held = total; local at = now + window
              for i = 1, #entries, 2 do
                held = held - tonumber(redis.call('HGET', KEYS[2], entries[i]) or '0')
                if held + est <= tpm then at = tonumber(entries[i + 1]) + window; break end
              end
              return {3, 0, count, total, oldest, at}
            end
            local id = redis.call('HINCRBY', KEYS[3], 'seq', 1)
            redis.call('ZADD', KEYS[1], now, id)
            redis.call('HSET', KEYS[2], id, est)
            total = total + est
            redis.call('HSET', KEYS[3], 'tokens', total)
            if oldest == 0 then oldest = now end
            for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], window * 2) end
            return {0, id, count + 1, total, oldest, 0}
            """;

    /** KEYS: the key's tokens (hash), its totals (hash). ARGV: entry id, tokens. */
    private static final String SETTLE_KEY = """
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            if old then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
              redis.call('HINCRBY', KEYS[2], 'tokens', tonumber(ARGV[2]) - tonumber(old))
            end
            return 1
            """;

    private final RScript scripts;
    private final String prefix;

    public RedisUsageStore(RedissonClient redisson, String keyPrefix) {
        this.scripts = redisson.getScript(StringCodec.INSTANCE);
        this.prefix = keyPrefix == null ? "" : keyPrefix;
    }

    @Override
    public CompletionStage<List<DeploymentUsage>> usage(List<String> deployments, long nowMillis) {
        List<Object> keys = new ArrayList<>(deployments.size() * 2);
        long minute = UsageStore.minuteOf(nowMillis);
        for (String deployment : deployments) {
            keys.add(minuteKey(deployment, minute));
            keys.add(stateKey(deployment));
        }
        return this.<List<Long>>run(USAGE, RScript.ReturnType.MULTI, keys).thenApply(values -> {
            List<DeploymentUsage> usage = new ArrayList<>(deployments.size());
            for (int i = 0; i < deployments.size(); i++) {
                int at = i * 5;
                usage.add(new DeploymentUsage(deployments.get(i), values.get(at), values.get(at + 1),
                        values.get(at + 2), values.get(at + 3) / 1000.0, values.get(at + 4)));
            }
            return usage;
        });
    }

    @Override
    public CompletionStage<Boolean> acquire(String deployment, Long rpm, Long tpm, long tokens, long nowMillis) {
        return this.<Long>run(ACQUIRE, RScript.ReturnType.INTEGER,
                        List.<Object>of(minuteKey(deployment, UsageStore.minuteOf(nowMillis)), stateKey(deployment)),
                        limit(rpm), limit(tpm), Long.toString(tokens))
                .thenApply(counted -> counted == 1L);
    }

    @Override
    public CompletionStage<Void> finish(String deployment, long acquiredAtMillis, long estimatedTokens,
                                        long usedTokens, long latencyMillis) {
        return this.<Long>run(FINISH, RScript.ReturnType.INTEGER,
                        List.<Object>of(minuteKey(deployment, UsageStore.minuteOf(acquiredAtMillis)), stateKey(deployment)),
                        Long.toString(usedTokens - estimatedTokens), Long.toString(latencyMillis),
                        Double.toString(LATENCY_ALPHA))
                .thenApply(done -> null);
    }

    @Override
    public CompletionStage<Long> fail(String deployment, int allowedFails, long windowMillis, long cooldownMillis,
                                      long coolUntilMillis, long nowMillis) {
        return run(FAIL, RScript.ReturnType.INTEGER, List.<Object>of(stateKey(deployment)), Integer.toString(allowedFails),
                Long.toString(windowMillis), Long.toString(cooldownMillis), Long.toString(coolUntilMillis),
                Long.toString(nowMillis));
    }

    @Override
    public CompletionStage<KeyWindow> admitKey(String keyId, Long rpm, Long tpm, long tokens, long nowMillis) {
        String base = prefix + "key:" + keyId;
        return this.<List<Long>>run(ADMIT_KEY, RScript.ReturnType.MULTI,
                List.<Object>of(base + ":log", base + ":tok", base), Long.toString(nowMillis), Long.toString(MINUTE_MILLIS),
                limit(rpm), limit(tpm), Long.toString(tokens)).thenApply(v -> new KeyWindow(
                switch (v.get(0).intValue()) {
                    case 0 -> null;
                    case 1 -> Refusal.REQUESTS;
                    case 2 -> Refusal.TOKENS_TOO_MANY;
                    default -> Refusal.TOKENS;
                }, v.get(1), v.get(2), v.get(3), v.get(4), v.get(5)));
    }

    @Override
    public CompletionStage<Void> settleKey(String keyId, long entryId, long tokens) {
        String base = prefix + "key:" + keyId;
        return this.<Long>run(SETTLE_KEY, RScript.ReturnType.INTEGER, List.<Object>of(base + ":tok", base),
                Long.toString(entryId), Long.toString(tokens)).thenApply(done -> null);
    }

    private <R> CompletionStage<R> run(String script, RScript.ReturnType type, List<Object> keys, Object... args) {
        return scripts.<R>evalAsync(RScript.Mode.READ_WRITE, script, type, keys, args);
    }

    private String minuteKey(String deployment, long minute) {
        return prefix + "dep:" + deployment + ":m:" + minute;
    }

    private String stateKey(String deployment) {
        return prefix + "dep:" + deployment;
    }

    private static String limit(Long limit) {
        return limit == null ? "-1" : Long.toString(limit);
    }
}
