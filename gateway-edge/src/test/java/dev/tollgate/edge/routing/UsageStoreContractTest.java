package dev.tollgate.edge.routing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.embedded.RedisServer;

import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/** The same behaviour from both usage stores: in-process, and in a real (embedded) Redis. */
class UsageStoreContractTest {

    static RedisServer redis;
    static RedissonClient redisson;

    @BeforeAll
    static void startRedis() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = new RedisServer(port);
        redis.start();
        Config config = new Config();
        config.setUseScriptCache(true);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port);
        redisson = Redisson.create(config);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redisson.shutdown();
        redis.stop();
    }

    @Nested
    class InProcess extends Contract {
        InProcess() {
            super(new InProcessUsageStore());
        }
    }

    @Nested
    class InRedis extends Contract {
        InRedis() {
            super(new RedisUsageStore(redisson, "test-" + UUID.randomUUID() + ":"));
        }
    }

    abstract static class Contract {

        final UsageStore store;
        final long minute = 29_000_000L * UsageStore.MINUTE_MILLIS; // the start of a minute

        Contract(UsageStore store) {
            this.store = store;
        }

        @Test
        void aDeploymentTakesItsRequestsPerMinuteAndNoMoreUntilTheNextMinute() {
            assertThat(get(store.acquire("d", 2L, null, 10, minute))).isTrue();
            assertThat(get(store.acquire("d", 2L, null, 10, minute + 1000))).isTrue();
            assertThat(get(store.acquire("d", 2L, null, 10, minute + 2000))).isFalse();
            assertThat(get(store.acquire("d", 2L, null, 10, minute + UsageStore.MINUTE_MILLIS))).isTrue();
        }

        @Test
        void aDeploymentsTokensAreCorrectedWhenARequestEnds() {
            assertThat(get(store.acquire("t", null, 100L, 80, minute))).isTrue();
            assertThat(get(store.acquire("t", null, 100L, 30, minute))).isFalse();
            get(store.finish("t", minute, 80, 20, 150));
            assertThat(get(store.acquire("t", null, 100L, 30, minute + 10))).isTrue();
            DeploymentUsage(get(store.usage(List.of("t"), minute + 20)).get(0), 2, 50, 1, 150);
        }

        @Test
        void inFlightAndLatencyFollowTheRequests() {
            get(store.acquire("l", null, null, 1, minute));
            get(store.acquire("l", null, null, 1, minute));
            get(store.finish("l", minute, 1, 1, 100));
            get(store.finish("l", minute, 1, 1, 200));
            UsageStore.DeploymentUsage usage = get(store.usage(List.of("l"), minute)).get(0);
            assertThat(usage.inFlight()).isZero();
            assertThat(usage.latencyMillis()).isEqualTo(0.3 * 200 + 0.7 * 100);
        }

        @Test
        void aDeploymentCoolsDownAfterItsAllowedFailuresWithinTheWindowOrWhenTheUpstreamSaysWhen() {
            assertThat(get(store.fail("f", 2, 60_000, 5_000, 0, minute))).isZero();
            assertThat(get(store.fail("f", 2, 60_000, 5_000, 0, minute + 1000))).isEqualTo(minute + 6000);
            assertThat(get(store.usage(List.of("f"), minute + 2000)).get(0).coolingDown(minute + 2000)).isTrue();
            assertThat(get(store.usage(List.of("f"), minute + 6000)).get(0).coolingDown(minute + 6000)).isFalse();
            // failures further apart than the window never add up
            assertThat(get(store.fail("g", 2, 1_000, 5_000, 0, minute))).isZero();
            assertThat(get(store.fail("g", 2, 1_000, 5_000, 0, minute + 2000))).isZero();
            // a 429's Retry-After cools at once
            assertThat(get(store.fail("h", 3, 60_000, 5_000, minute + 7000, minute))).isEqualTo(minute + 7000);
        }

        @Test
        void aKeysWindowSlidesOverSixtySecondsAndCountsWhatRequestsReallyUsed() {
            UsageStore.KeyWindow first = get(store.admitKey("k", 2L, 1000L, 400, minute));
            assertThat(first.admitted()).isTrue();
            assertThat(first.requests()).isEqualTo(1);
            UsageStore.KeyWindow tooMany = get(store.admitKey("k", 2L, 1000L, 700, minute + 10_000));
            assertThat(tooMany.refusal()).isEqualTo(UsageStore.Refusal.TOKENS);
            assertThat(tooMany.retryAtMillis()).isEqualTo(minute + 60_000);
            get(store.settleKey("k", first.entryId(), 100));
            UsageStore.KeyWindow second = get(store.admitKey("k", 2L, 1000L, 700, minute + 20_000));
            assertThat(second.admitted()).isTrue();
            assertThat(second.tokens()).isEqualTo(800);
            assertThat(second.oldestMillis()).isEqualTo(minute);
            UsageStore.KeyWindow third = get(store.admitKey("k", 2L, 1000L, 1, minute + 30_000));
            assertThat(third.refusal()).isEqualTo(UsageStore.Refusal.REQUESTS);
            assertThat(third.retryAtMillis()).isEqualTo(minute + 60_000);
            assertThat(get(store.admitKey("k", 2L, 1000L, 5000, minute + 30_000)).refusal())
                    .isEqualTo(UsageStore.Refusal.REQUESTS);
            // the first request leaves the window 60 seconds after it came
            UsageStore.KeyWindow later = get(store.admitKey("k", 2L, 1000L, 1, minute + 60_000));
            assertThat(later.admitted()).isTrue();
            assertThat(later.requests()).isEqualTo(2);
            assertThat(later.tokens()).isEqualTo(701);
            assertThat(get(store.admitKey("other", null, 10L, 11, minute)).refusal())
                    .isEqualTo(UsageStore.Refusal.TOKENS_TOO_MANY);
        }

        private static void DeploymentUsage(UsageStore.DeploymentUsage usage, long requests, long tokens,
                                            long inFlight, double latency) {
            assertThat(usage.requests()).isEqualTo(requests);
            assertThat(usage.tokens()).isEqualTo(tokens);
            assertThat(usage.inFlight()).isEqualTo(inFlight);
            assertThat(usage.latencyMillis()).isEqualTo(latency);
        }

        static <T> T get(CompletionStage<T> stage) {
            return stage.toCompletableFuture().join();
        }
    }
}
